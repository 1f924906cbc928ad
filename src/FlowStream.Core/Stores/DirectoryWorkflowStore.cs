using System.Text.Json;
using FlowStream.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowStream;

/// <summary>
/// An <see cref="IWorkflowStore"/> over the <c>*.json</c> files of a folder. Each file holds one workflow; its id is the
/// workflow's <c>id</c>, or the file name without extension when that is empty.
/// </summary>
/// <remarks>
/// Files are read and validated on first use and again when <see cref="Reload"/> is called. A file that is not valid JSON,
/// is not a workflow that can run, or repeats an id is left out and reported in <see cref="LoadErrors"/> and the log, with
/// its path and problems; the other files load regardless.
/// </remarks>
public sealed class DirectoryWorkflowStore : IWorkflowStore
{
    private readonly IWorkflowEngine _engine;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Snapshot? _snapshot;

    /// <summary>Initializes a new store over <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder; relative paths are resolved against the current directory.</param>
    /// <param name="engine">Validates the workflows (node types must be registered).</param>
    /// <param name="logger">Reports files that could not be loaded.</param>
    public DirectoryWorkflowStore(string directory, IWorkflowEngine engine, ILogger<DirectoryWorkflowStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = System.IO.Path.GetFullPath(directory);
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the folder's full path.</summary>
    public string Directory { get; }

    /// <summary>Gets the files that could not be loaded at the last (re)load.</summary>
    public IReadOnlyList<WorkflowLoadError> LoadErrors => Load().Errors;

    /// <inheritdoc />
    public ValueTask<WorkflowDefinition?> GetAsync(string flowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flowId);
        return new(Load().Workflows.GetValueOrDefault(flowId));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WorkflowDefinition>> ListAsync(CancellationToken cancellationToken = default)
        => new(Load().Ordered);

    /// <summary>Reads the folder again.</summary>
    public void Reload()
    {
        var snapshot = Read();
        lock (_lock)
        {
            _snapshot = snapshot;
        }
    }

    private Snapshot Load()
    {
        lock (_lock)
        {
            return _snapshot ??= Read();
        }
    }

    private Snapshot Read()
    {
        var workflows = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        var errors = new List<WorkflowLoadError>();
        if (!System.IO.Directory.Exists(Directory))
        {
            errors.Add(new WorkflowLoadError(Directory, "The folder does not exist.", []));
            Log.WorkflowFolderMissing(_logger, Directory);
            return new Snapshot(workflows, [], errors);
        }

        var ordered = new List<WorkflowDefinition>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            WorkflowDefinition workflow;
            try
            {
                workflow = WorkflowDefinition.FromJson(File.ReadAllBytes(path));
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                Reject(path, $"The file is not a workflow: {ex.Message}", []);
                continue;
            }

            if (string.IsNullOrWhiteSpace(workflow.Id))
            {
                workflow = new WorkflowDefinition
                {
                    Id = System.IO.Path.GetFileNameWithoutExtension(path),
                    Name = string.IsNullOrWhiteSpace(workflow.Name) ? System.IO.Path.GetFileNameWithoutExtension(path) : workflow.Name,
                    Nodes = workflow.Nodes,
                    Connections = workflow.Connections,
                    Settings = workflow.Settings,
                };
            }

            var problems = _engine.Validate(workflow);
            if (problems.Count > 0)
            {
                Reject(path, $"The workflow is not valid: {string.Join(" ", problems.Select(p => $"[{p.Code}] {p.Message}"))}", problems);
                continue;
            }

            if (workflows.TryAdd(workflow.Id, workflow))
            {
                ordered.Add(workflow);
            }
            else
            {
                Reject(path, $"Another file already defines a workflow with id '{workflow.Id}'.", []);
            }
        }

        return new Snapshot(workflows, ordered, errors);

        void Reject(string path, string message, IReadOnlyList<WorkflowValidationProblem> problems)
        {
            errors.Add(new WorkflowLoadError(path, message, problems));
            Log.WorkflowFileRejected(_logger, path, message);
        }
    }

    private sealed record Snapshot(Dictionary<string, WorkflowDefinition> Workflows, List<WorkflowDefinition> Ordered, List<WorkflowLoadError> Errors);
}
