namespace FlowStream;

/// <summary>The machine-readable codes of <see cref="WorkflowValidationProblem"/>s. They are part of the public contract (HTTP problem details carry them).</summary>
public static class WorkflowValidationCodes
{
    /// <summary>The workflow has no nodes.</summary>
    public const string NoNodes = "noNodes";

    /// <summary>The workflow has more nodes than <see cref="FlowStreamOptions.MaxNodesPerWorkflow"/>.</summary>
    public const string TooManyNodes = "tooManyNodes";

    /// <summary>A node has an empty name.</summary>
    public const string EmptyNodeName = "emptyNodeName";

    /// <summary>Two or more nodes share a name.</summary>
    public const string DuplicateNodeName = "duplicateNodeName";

    /// <summary>A node has an empty type.</summary>
    public const string EmptyNodeType = "emptyNodeType";

    /// <summary>A node's type has no registered handler.</summary>
    public const string UnknownNodeType = "unknownNodeType";

    /// <summary>A node's parameters are not a JSON object.</summary>
    public const string InvalidParameters = "invalidParameters";

    /// <summary>A node's parameters are larger than <see cref="FlowStreamOptions.MaxParametersBytesPerNode"/>.</summary>
    public const string ParametersTooLarge = "parametersTooLarge";

    /// <summary>A node's retry policy is out of range.</summary>
    public const string InvalidRetry = "invalidRetry";

    /// <summary>A node's timeout is not positive.</summary>
    public const string InvalidTimeout = "invalidTimeout";

    /// <summary>A node's <c>retry.maxTries</c> is more than <see cref="FlowStreamOptions.MaxRetryTries"/>.</summary>
    public const string TooManyTries = "tooManyTries";

    /// <summary>A <c>wait</c> node's <c>ms</c> or a node's <c>retry.waitMs</c> is longer than <see cref="FlowStreamOptions.MaxWait"/>.</summary>
    public const string WaitTooLong = "waitTooLong";

    /// <summary>A node's <c>timeoutMs</c> is longer than <see cref="FlowStreamOptions.MaxNodeTimeout"/>.</summary>
    public const string TimeoutTooLong = "timeoutTooLong";

    /// <summary>A connection starts at a node that does not exist.</summary>
    public const string UnknownConnectionSource = "unknownConnectionSource";

    /// <summary>A connection leads to a node that does not exist.</summary>
    public const string UnknownConnectionTarget = "unknownConnectionTarget";

    /// <summary>
    /// A connection starts at an output (<c>fromOutput</c>) its node does not have: every node has <c>main</c>, its type may declare
    /// more (<c>if</c>: <c>true</c>/<c>false</c>; <c>switch</c>: one per rule and <c>fallback</c>), and <c>error</c> exists when the node's
    /// <c>onError</c> is <c>errorOutput</c>.
    /// </summary>
    public const string UnknownOutput = "unknownOutput";

    /// <summary>A connection leads from a node to itself.</summary>
    public const string SelfLoop = "selfLoop";

    /// <summary>Connections form a cycle; the problem names the nodes on it.</summary>
    public const string Cycle = "cycle";

    /// <summary>The workflow's (or request's) maximum degree of parallelism is less than 1.</summary>
    public const string InvalidParallelism = "invalidParallelism";
}
