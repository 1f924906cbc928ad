namespace FlowStream.Client;

/// <summary>An error as the server reports it: in events (<c>error</c>) and in execution summaries.</summary>
public sealed class ExecutionError
{
    /// <summary>Gets the error message; empty if the server sent none.</summary>
    public string Message { get => field ?? string.Empty; init; }

    /// <summary>Gets the name of the node that failed, when the error belongs to the execution and a node caused it; otherwise <see langword="null"/>.</summary>
    public string? NodeName { get; init; }
}
