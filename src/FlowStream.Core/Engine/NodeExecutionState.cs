using System.Text.Json;

namespace FlowStream;

/// <summary>A snapshot of one node's state within an execution.</summary>
public sealed class NodeExecutionState
{
    /// <summary>Initializes a node's state (backplanes rebuild the states they stored).</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="type">The node's type.</param>
    /// <param name="status">Its status.</param>
    /// <param name="attempts">How many attempts it has made.</param>
    /// <param name="startedAt">When its first attempt started, if it has.</param>
    /// <param name="finishedAt">When it finished, if it has.</param>
    /// <param name="output">Its output, if it has one.</param>
    /// <param name="errorMessage">Its error, if it failed.</param>
    public NodeExecutionState(string name, string type, NodeExecutionStatus status, int attempts, DateTimeOffset? startedAt, DateTimeOffset? finishedAt, JsonElement? output, string? errorMessage)
    {
        Name = name;
        Type = type;
        Status = status;
        Attempts = attempts;
        StartedAt = startedAt;
        FinishedAt = finishedAt;
        Output = output;
        ErrorMessage = errorMessage;
    }

    /// <summary>Gets the node's name.</summary>
    public string Name { get; }

    /// <summary>Gets the node's type.</summary>
    public string Type { get; }

    /// <summary>Gets the node's status.</summary>
    public NodeExecutionStatus Status { get; }

    /// <summary>Gets how many attempts were made (0 if the node never ran).</summary>
    public int Attempts { get; }

    /// <summary>Gets when the node started, if it did.</summary>
    public DateTimeOffset? StartedAt { get; }

    /// <summary>Gets when the node finished, if it did.</summary>
    public DateTimeOffset? FinishedAt { get; }

    /// <summary>Gets the node's output, when it succeeded (or failed with <c>continueOnFail</c>: then the error object).</summary>
    public JsonElement? Output { get; }

    /// <summary>Gets the error message, when the node failed, timed out or was canceled.</summary>
    public string? ErrorMessage { get; }
}
