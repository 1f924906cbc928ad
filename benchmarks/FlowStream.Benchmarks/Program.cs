using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using FlowStream.Benchmarks.Infrastructure;

// A job given on the command line (--job Dry in CI, --job short for a quick look) replaces the jobs that some classes choose for
// themselves (the latency's thousands of single-operation iterations, the scale benchmark's few long ones).
HostArguments.JobGiven = args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
ReportedValues.Clear();

// The Redis benchmarks start their own redis-server; without one they are left out (with the reason), not failed.
IConfig? config = null;
if (RedisServer.Binary is null)
{
    var skipped = typeof(HostArguments).Assembly.GetTypes().Where(t => t.GetCustomAttribute<RequiresRedisServerAttribute>() is not null).Select(t => t.Name).Order();
    Console.WriteLine(
        $"Skipping {string.Join(", ", skipped)}: redis-server not found (/usr/bin/redis-server, /usr/local/bin/redis-server, "
        + $"or ${RedisServer.BinaryVariable}). Install it (apt-get install -y redis-server) to run them.");
    config = DefaultConfig.Instance.AddFilter(new SimpleFilter(c => c.Descriptor.Type.GetCustomAttribute<RequiresRedisServerAttribute>() is null));
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(HostArguments).Assembly).Run(args, config);

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
