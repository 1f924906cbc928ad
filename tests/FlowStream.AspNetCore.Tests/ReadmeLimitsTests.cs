using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using FlowStream.Nodes.Gemini;
using FlowStream.Testing;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Issue 11: the README's "Limits" table and the options' defaults cannot drift apart.</summary>
public partial class ReadmeLimitsTests
{
    private static readonly Type[] s_optionTypes = [typeof(FlowStreamOptions), typeof(ExecutionStreamOptions), typeof(GeminiOptions)];

    /// <summary>The options every row of the table must exist for, including those the engine half of issue 11 adds.</summary>
    public static TheoryData<string> DocumentedOptions() => [.. ReadTable().Keys];

    [Theory]
    [MemberData(nameof(DocumentedOptions))]
    public void LimitsTable_Row_MatchesTheOptionsDefault(string option)
    {
        var documented = ReadTable()[option];
        var property = FindProperty(option);

        property.Should().NotBeNull("README.md documents {0}, so the option must exist", option);
        Format(property!.GetValue(Activator.CreateInstance(property.DeclaringType!))!, property.Name).Should().Be(documented, "README.md documents {0}'s default", option);
    }

    [Fact]
    public void LimitsTable_ListsEveryLimitOption()
    {
        var table = ReadTable();
        var limits = s_optionTypes
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name.StartsWith("Max", StringComparison.Ordinal)).Select(p => $"{t.Name}.{p.Name}"))
            .ToList();

        limits.Should().NotBeEmpty();
        limits.Where(l => !table.ContainsKey(l)).Should().BeEmpty("every Max* option is a limit and belongs in README.md's Limits table");
    }

    [Fact]
    public void SecuritySection_IsThere()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

        readme.Should().Contain("## Security").And.Contain("FlowStream.ExecutionToken").And.Contain("TrustedOrigins").And.Contain("AllowedHosts");
    }

    private static PropertyInfo? FindProperty(string option)
    {
        var dot = option.IndexOf('.', StringComparison.Ordinal);
        var type = s_optionTypes.Single(t => t.Name == option[..dot]);
        return type.GetProperty(option[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance);
    }

    /// <summary>Option → default, from the rows <c>| `Type.Option` | default | … |</c> of the "## Limits" section.</summary>
    private static Dictionary<string, string> ReadTable()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("\n## Limits\n", StringComparison.Ordinal);
        start.Should().BePositive("README.md has a Limits section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return Row().Matches(section).ToDictionary(m => m.Groups["option"].Value, m => m.Groups["default"].Value.Trim());
    }

    /// <summary>The README's notation: bytes in KiB/MiB/GiB, durations in the largest whole unit, counts with thousands separators.</summary>
    private static string Format(object value, string name) => value switch
    {
        TimeSpan t when t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) => $"{t.TotalHours:0} h",
        TimeSpan t when t.TotalMinutes >= 1 && t.TotalMinutes == Math.Floor(t.TotalMinutes) => $"{t.TotalMinutes:0} min",
        TimeSpan t when t.TotalSeconds >= 1 && t.TotalSeconds == Math.Floor(t.TotalSeconds) => $"{t.TotalSeconds:0} s",
        TimeSpan t => $"{t.TotalMilliseconds:0} ms",
        int or long when name.Contains("Bytes", StringComparison.Ordinal) || name.EndsWith("Size", StringComparison.Ordinal) => Bytes(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static string Bytes(long bytes)
    {
        foreach (var (unit, size) in new[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10) })
        {
            if (bytes >= size && bytes % size == 0)
            {
                return $"{(bytes / size).ToString(CultureInfo.InvariantCulture)} {unit}";
            }
        }

        return bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
    }

    [GeneratedRegex(@"^\| `(?<option>(?:FlowStreamOptions|ExecutionStreamOptions|GeminiOptions)\.\w+)` \| (?<default>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
