namespace FlowStream;

/// <summary>Thrown when a workflow is started that cannot run. <see cref="Problems"/> lists every reason at once.</summary>
public sealed class WorkflowValidationException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public WorkflowValidationException()
        : this("The workflow is not valid.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public WorkflowValidationException(string message)
        : base(message)
    {
        Problems = [];
    }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>Initializes a new instance listing the problems of a workflow.</summary>
    /// <param name="workflowId">The workflow's id.</param>
    /// <param name="problems">The problems; at least one.</param>
    public WorkflowValidationException(string workflowId, IReadOnlyList<WorkflowValidationProblem> problems)
        : base(FormatMessage(workflowId, problems))
    {
        WorkflowId = workflowId;
        Problems = problems;
    }

    /// <summary>Gets the id of the workflow that was rejected.</summary>
    public string? WorkflowId { get; }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<WorkflowValidationProblem> Problems { get; }

    private static string FormatMessage(string workflowId, IReadOnlyList<WorkflowValidationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return $"Workflow '{workflowId}' is not valid ({problems.Count} problem(s)):{Environment.NewLine}"
            + string.Join(Environment.NewLine, problems.Select(p => $"- {p.Code}: {p.Message}"));
    }
}
