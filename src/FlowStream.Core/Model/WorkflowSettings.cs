using System.Text.Json.Serialization;

namespace FlowStream;

/// <summary>Execution settings carried by a workflow.</summary>
public sealed class WorkflowSettings
{
    /// <summary>
    /// Gets how many nodes of one execution may run at once; <see langword="null"/> uses
    /// <see cref="FlowStreamOptions.DefaultMaxDegreeOfParallelism"/>. An <see cref="ExecutionRequest"/> may override it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxDegreeOfParallelism { get; init; }
}
