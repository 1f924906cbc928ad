namespace FlowStream;

/// <summary>A workflow file that <see cref="DirectoryWorkflowStore"/> could not load.</summary>
public sealed class WorkflowLoadError
{
    internal WorkflowLoadError(string path, string message, IReadOnlyList<WorkflowValidationProblem> problems)
    {
        Path = path;
        Message = message;
        Problems = problems;
    }

    /// <summary>Gets the file's path.</summary>
    public string Path { get; }

    /// <summary>Gets what is wrong with it.</summary>
    public string Message { get; }

    /// <summary>Gets the validation problems, when the file is a workflow that cannot run.</summary>
    public IReadOnlyList<WorkflowValidationProblem> Problems { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
