namespace FlowStream;

/// <summary>One reason a workflow cannot run.</summary>
public sealed class WorkflowValidationProblem
{
    /// <summary>Initializes a new problem.</summary>
    /// <param name="code">The machine-readable code, one of <see cref="WorkflowValidationCodes"/>.</param>
    /// <param name="message">A sentence for people.</param>
    /// <param name="nodeName">The node the problem concerns, if any.</param>
    /// <param name="connection">The connection the problem concerns, if any.</param>
    /// <param name="nodeNames">The nodes the problem concerns when there are several (for example the nodes on a cycle, in cycle order).</param>
    public WorkflowValidationProblem(string code, string message, string? nodeName = null, ConnectionDefinition? connection = null, IReadOnlyList<string>? nodeNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(message);
        Code = code;
        Message = message;
        NodeName = nodeName;
        Connection = connection;
        NodeNames = nodeNames ?? (nodeName is null ? [] : [nodeName]);
    }

    /// <summary>Gets the machine-readable code (see <see cref="WorkflowValidationCodes"/>).</summary>
    public string Code { get; }

    /// <summary>Gets a description for people.</summary>
    public string Message { get; }

    /// <summary>Gets the node the problem concerns, if one.</summary>
    public string? NodeName { get; }

    /// <summary>Gets the connection the problem concerns, if one.</summary>
    public ConnectionDefinition? Connection { get; }

    /// <summary>Gets every node the problem concerns (for a cycle: the nodes on it, in order).</summary>
    public IReadOnlyList<string> NodeNames { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Message}";
}
