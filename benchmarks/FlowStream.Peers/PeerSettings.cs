using System.Globalization;

namespace FlowStream.Peers;

/// <summary>The command line: what to run and how long to warm up.</summary>
internal sealed class PeerSettings
{
    /// <summary>Gets the warm-up of each engine before the timed runs, cycling through the sizes. Default 3 s.</summary>
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets the timed runs per engine and chain length (after one untimed warm-up run). Default 5.</summary>
    public int Runs { get; private set; } = 5;

    /// <summary>Gets the chain lengths. Default 10, 100, 1,000.</summary>
    public IReadOnlyList<int> Sizes { get; private set; } = [10, 100, 1000];

    /// <summary>Gets how many first executions of a 100-node chain make the cold figure. Default 30.</summary>
    public int ColdRuns { get; private set; } = 30;

    /// <summary>Gets WorkflowCore's poll interval (its <c>UsePollInterval</c>). Default 10 s, WorkflowCore's own default.</summary>
    public TimeSpan WorkflowCorePollInterval { get; private set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets WorkflowCore's idle time (its <c>UseIdleTime</c>). Default 1 ms (WorkflowCore's own default is 100 ms).</summary>
    public TimeSpan WorkflowCoreIdleTime { get; private set; } = TimeSpan.FromMilliseconds(1);

    public static string Usage =>
        """
        FlowStream.Peers: FlowStream and WorkflowCore side by side, chains of do-nothing nodes, median µs per node.
          --warmup-seconds S      warm-up per engine before the timed runs (default 3)
          --runs R                timed runs per engine and size, after one warm-up run (default 5)
          --sizes 10,100,1000     chain lengths (default 10,100,1000)
          --cold-runs C           first executions of a 100-node chain in a fresh FlowStream engine (default 30)
          --wfc-poll-ms MS        WorkflowCore UsePollInterval (default 10000, its own default)
          --wfc-idle-ms MS        WorkflowCore UseIdleTime (default 1; its own default is 100)
          --quick                 CI smoke test: sizes 10,100, 1 run, 0.2 s warm-up, 5 cold runs
        """;

    /// <summary>Reads the command line; throws <see cref="ArgumentException"/> with the reason when it is wrong.</summary>
    public static PeerSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new PeerSettings();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--quick")
            {
                settings.Warmup = TimeSpan.FromSeconds(0.2);
                settings.Runs = 1;
                settings.Sizes = [10, 100];
                settings.ColdRuns = 5;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unknown argument or missing value: {arg}");
            }

            var value = args[++i];
            switch (arg)
            {
                case "--warmup-seconds":
                    settings.Warmup = TimeSpan.FromSeconds(ParseDouble(arg, value, 0));
                    break;
                case "--runs":
                    settings.Runs = ParseInt(arg, value, 1);
                    break;
                case "--cold-runs":
                    settings.ColdRuns = ParseInt(arg, value, 1);
                    break;
                case "--sizes":
                    settings.Sizes = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(size => ParseInt(arg, size, 1)).Distinct()];
                    break;
                case "--wfc-poll-ms":
                    settings.WorkflowCorePollInterval = TimeSpan.FromMilliseconds(ParseDouble(arg, value, 1));
                    break;
                case "--wfc-idle-ms":
                    settings.WorkflowCoreIdleTime = TimeSpan.FromMilliseconds(ParseDouble(arg, value, 0));
                    break;
                default:
                    throw new ArgumentException($"Unknown argument: {arg}");
            }
        }

        if (settings.Sizes.Count == 0)
        {
            throw new ArgumentException("--sizes needs at least one chain length");
        }

        return settings;
    }

    private static int ParseInt(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result) && result >= min
            ? result
            : throw new ArgumentException($"{name} needs an integer ≥ {min}, got '{value}'");

    private static double ParseDouble(string name, string value, double min) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result) && result >= min
            ? result
            : throw new ArgumentException($"{name} needs a number ≥ {min}, got '{value}'");
}
