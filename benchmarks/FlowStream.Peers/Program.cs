using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using FlowStream.Peers;

// FlowStream and WorkflowCore side by side in one process (issue 9). See benchmarks/README.md, "Peers".
PeerSettings settings;
try
{
    settings = PeerSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(PeerSettings.Usage);
    return 2;
}

var culture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = culture;
Console.WriteLine($"# FlowStream.Peers");
Console.WriteLine();
Console.WriteLine($"- {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical CPUs, {(GCSettings.IsServerGC ? "server" : "workstation")} GC{TieringNote()}");
Console.WriteLine($"- load average at start: {LoadAverage()}");
Console.WriteLine($"- sizes {string.Join(", ", settings.Sizes)}; warm-up {settings.Warmup.TotalSeconds:0.##} s per engine; per size 1 warm-up run and {settings.Runs} timed run(s) per engine, alternating engines; cold: first {settings.ColdRuns} executions of a 100-node chain");
Console.WriteLine($"- WorkflowCore options: UsePollInterval({settings.WorkflowCorePollInterval.TotalMilliseconds:0.###} ms), UseIdleTime({settings.WorkflowCoreIdleTime.TotalMilliseconds:0.###} ms), in-memory persistence, queue and lock (AddWorkflow defaults)");
Console.WriteLine();

var failures = 0;
const int ColdSize = 100;
var chainSizes = settings.Sizes.Append(ColdSize).Distinct().ToArray();

// Cold: a fresh FlowStream engine, before anything else in this process has run FlowStream's code.
await using var flowStream = new FlowStreamPeer(chainSizes);
var cold = new List<double>();
for (var i = 0; i < settings.ColdRuns; i++)
{
    var perNode = await TimeAsync(flowStream, ColdSize);
    if (perNode is { } value)
    {
        cold.Add(value);
    }
}

await using var workflowCore = new WorkflowCorePeer(chainSizes, settings.WorkflowCorePollInterval, settings.WorkflowCoreIdleTime);
IPeer[] peers = [flowStream, workflowCore];

// Warm-up: each engine alone, cycling through the sizes, for the configured time (at least one run of each size).
foreach (var peer in peers)
{
    var started = Stopwatch.GetTimestamp();
    var runs = 0;
    do
    {
        foreach (var size in settings.Sizes)
        {
            await TimeAsync(peer, size);
            runs++;
        }
    }
    while (Stopwatch.GetElapsedTime(started) < settings.Warmup);

    Console.WriteLine($"warm-up {peer.Name}: {runs} runs in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
}

// Per size: one warm-up run each, then the timed runs, alternating the engines so that both see the same moments of the machine.
var results = new List<(int Size, List<double> FlowStream, List<double> WorkflowCore)>();
foreach (var size in settings.Sizes)
{
    var times = peers.ToDictionary(peer => peer, _ => new List<double>());
    foreach (var peer in peers)
    {
        await TimeAsync(peer, size);
    }

    for (var run = 0; run < settings.Runs; run++)
    {
        foreach (var peer in peers)
        {
            if (await TimeAsync(peer, size) is { } perNode)
            {
                times[peer].Add(perNode);
            }
        }
    }

    results.Add((size, times[flowStream], times[workflowCore]));
}

Console.WriteLine();
Console.WriteLine($"load average at end: {LoadAverage()}");
Console.WriteLine();
// Medians; the last two columns show how far the timed runs spread on this machine.
Console.WriteLine("| N | FlowStream µs/node | WorkflowCore µs/node | WorkflowCore / FlowStream | FlowStream min–max | WorkflowCore min–max |");
Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var (size, fsTimes, wfcTimes) in results)
{
    var (fs, wfc) = (Median(fsTimes), Median(wfcTimes));
    var ratio = fs is { } a && wfc is { } b ? (b / a).ToString("0.0", culture) + "×" : "—";
    Console.WriteLine($"| {size:N0} | {Format(fs)} | {Format(wfc)} | {ratio} | {Range(fsTimes)} | {Range(wfcTimes)} |");
}

Console.WriteLine();
Console.WriteLine($"WorkflowCore's in-memory store held {workflowCore.Started} workflow instances at the end (it keeps every one).");
Console.WriteLine($"Cold FlowStream (fresh engine, before any warm-up): median of the first {cold.Count} executions of a {ColdSize}-node chain: **{Format(Median(cold))} µs/node** (first execution {Format(cold.Count > 0 ? cold[0] : null)} µs/node).");

if (failures > 0)
{
    Console.Error.WriteLine($"{failures} run(s) failed");
    return 1;
}

return 0;

// One run, timed: µs per node, or null (counted as a failure) when the engine did not finish it successfully.
async Task<double?> TimeAsync(IPeer peer, int size)
{
    var started = Stopwatch.GetTimestamp();
    try
    {
        await peer.RunChainAsync(size);
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException)
    {
        failures++;
        Console.Error.WriteLine($"{peer.Name}, {size} nodes: {e.Message}");
        return null;
    }

    return Stopwatch.GetElapsedTime(started).TotalMicroseconds / size;
}

static double? Median(List<double> values)
{
    if (values.Count == 0)
    {
        return null;
    }

    var sorted = values.Order().ToArray();
    var middle = sorted.Length / 2;
    return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

static string Range(List<double> values) => values.Count == 0 ? "—" : $"{Format(values.Min())}–{Format(values.Max())}";

static string Format(double? value) => value is { } v ? v.ToString(v < 100 ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "failed";

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string TieringNote()
{
    var settingsNote = string.Join(", ", new[] { "DOTNET_TieredCompilation", "DOTNET_TieredPGO", "DOTNET_TC_QuickJitForLoops", "DOTNET_ReadyToRun" }
        .Where(name => Environment.GetEnvironmentVariable(name) is not null)
        .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}"));
    return settingsNote.Length == 0 ? ", default JIT settings" : $", {settingsNote}";
}
