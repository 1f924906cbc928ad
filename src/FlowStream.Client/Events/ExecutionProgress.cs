namespace FlowStream.Client;

/// <summary>How far an execution has come: the <c>progress</c> object of <see cref="NodeExecutionAfterData"/>.</summary>
public sealed class ExecutionProgress
{
    /// <summary>Gets the number of nodes that have finished.</summary>
    public int Completed { get; init; }

    /// <summary>Gets the number of nodes of the workflow.</summary>
    public int Total { get; init; }

    /// <summary>Gets the share of finished nodes, from 0 to 100.</summary>
    public int Percent { get; init; }
}
