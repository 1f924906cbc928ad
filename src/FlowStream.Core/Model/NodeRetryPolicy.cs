using System.Text.Json.Serialization;

namespace FlowStream;

/// <summary>How often a failing node is tried, and how long to wait between tries.</summary>
/// <remarks>
/// The wait before try <c>n + 1</c> is <c>WaitMs * BackoffMultiplier^(n - 1)</c>. Each retry is announced
/// by a <c>nodeExecutionRetry</c> event before the wait.
/// </remarks>
public sealed class NodeRetryPolicy
{
    /// <summary>Initializes a new policy: one try, no wait, constant backoff.</summary>
    public NodeRetryPolicy()
    {
    }

    // The JSON source generator sets every init-only property, passing default(T) for the ones the JSON omits, which would
    // override the initializers below (maxTries 0, backoffMultiplier 0). Its constructor path honours parameter defaults.
    [JsonConstructor]
    internal NodeRetryPolicy(int maxTries = 1, int waitMs = 0, double backoffMultiplier = 1)
    {
        MaxTries = maxTries;
        WaitMs = waitMs;
        BackoffMultiplier = backoffMultiplier;
    }

    /// <summary>Gets the number of tries in all, including the first. Default 1 (no retry); at least 1.</summary>
    public int MaxTries { get; init; } = 1;

    /// <summary>Gets the wait before the first retry, in milliseconds. Default 0.</summary>
    public int WaitMs { get; init; }

    /// <summary>Gets the factor each further wait is multiplied by. Default 1 (constant wait); at least 1.</summary>
    public double BackoffMultiplier { get; init; } = 1;
}
