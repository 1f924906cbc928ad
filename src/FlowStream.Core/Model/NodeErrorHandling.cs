using System.Text.Json.Serialization;

namespace FlowStream;

/// <summary>What a node's failure (after its retries) does; JSON <c>onError</c> of a node.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeErrorHandling>))]
public enum NodeErrorHandling
{
    /// <summary><c>"stopWorkflow"</c> (the default): the failure fails the execution, unless the node has <c>continueOnFail</c>.</summary>
    [JsonStringEnumMemberName("stopWorkflow")]
    StopWorkflow = 0,

    /// <summary>
    /// <c>"errorOutput"</c>: the failure leaves the node by its <see cref="NodeOutputs.Error"/> output as
    /// <c>{"error": {"message": ...}}</c>, and the execution goes on; its <see cref="NodeOutputs.Main"/> output carries nothing.
    /// </summary>
    [JsonStringEnumMemberName("errorOutput")]
    ErrorOutput = 1,
}
