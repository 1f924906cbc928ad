using System.Text.Json.Serialization;

namespace FlowStream;

/// <summary>What a node's failure (after its retries) does to the execution.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeErrorHandling>))]
public enum NodeErrorHandling
{
    /// <summary>The failure fails the execution (unless <see cref="NodeDefinition.ContinueOnFail"/>). JSON <c>"stopWorkflow"</c>.</summary>
    [JsonStringEnumMemberName("stopWorkflow")]
    StopWorkflow = 0,

    /// <summary>The failure leaves by the node's <c>error</c> output as <c>{"error": {"message"}}</c>. JSON <c>"errorOutput"</c>.</summary>
    [JsonStringEnumMemberName("errorOutput")]
    ErrorOutput = 1,
}
