using BenchmarkDotNet.Running;
using FlowStream.Benchmarks.Infrastructure;

// A job given on the command line (--job Dry in CI, --job short for a quick look) replaces the jobs that some classes choose for
// themselves (the latency's thousands of single-operation iterations, the scale benchmark's few long ones).
HostArguments.JobGiven = args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
ReportedValues.Clear();
var summaries = BenchmarkSwitcher.FromAssembly(typeof(HostArguments).Assembly).Run(args);

// Non-zero when any benchmark failed (threw, or its process crashed), so that CI notices.
var failures = 0;
foreach (var summary in summaries)
{
    if (summary.HasCriticalValidationErrors)
    {
        failures++;
        Console.Error.WriteLine($"Benchmark failed: {summary.Title} has validation errors");
    }

    foreach (var benchmarkCase in summary.BenchmarksCases)
    {
        if (summary[benchmarkCase] is not { Success: true })
        {
            failures++;
            Console.Error.WriteLine($"Benchmark failed: {benchmarkCase.DisplayInfo}");
        }
    }
}

return failures == 0 ? 0 : 1;
