using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>
/// Values that a benchmark measures in its own process besides time (memory retained per stream) and hands to the host through a
/// file, where a <see cref="Column"/> shows them in the summary and the reports.
/// </summary>
internal static class ReportedValues
{
    private static readonly string s_directory = Path.Combine(Path.GetTempPath(), "flowstream-benchmarks");

    /// <summary>Forgets the values of earlier runs (called by the host before it runs anything).</summary>
    public static void Clear()
    {
        if (Directory.Exists(s_directory))
        {
            Directory.Delete(s_directory, recursive: true);
        }
    }

    /// <summary>Records a value of one benchmark (called in the benchmark's process).</summary>
    public static void Write(string type, string method, string name, double value)
    {
        Directory.CreateDirectory(s_directory);
        File.WriteAllText(PathOf(type, method, name), value.ToString("R", CultureInfo.InvariantCulture));
    }

    public static double? Read(string type, string method, string name)
    {
        var path = PathOf(type, method, name);
        return File.Exists(path) && double.TryParse(File.ReadAllText(path), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static string PathOf(string type, string method, string name) => Path.Combine(s_directory, $"{type}.{method}.{name}.txt");

    /// <summary>Shows a reported value, divided by <paramref name="divisor"/> and formatted with <paramref name="format"/>.</summary>
    internal sealed class Column(string name, string columnName, string legend, double divisor, string format) : IColumn
    {
        public string Id => $"{nameof(ReportedValues)}.{name}";

        public string ColumnName => columnName;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var descriptor = benchmarkCase.Descriptor;
            var value = Read(descriptor.Type.Name, descriptor.WorkloadMethod.Name, name);
            return value is { } v ? (v / divisor).ToString(format, CultureInfo.InvariantCulture) : "NA";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
