namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>What the host process was asked for on its command line.</summary>
internal static class HostArguments
{
    /// <summary>Gets or sets a value indicating whether <c>--job</c> was given: then classes do not add jobs of their own.</summary>
    public static bool JobGiven { get; set; }
}
