namespace FlowStream.Nodes.Gemini;

/// <summary>Names of the <c>gemini</c> node registered by <c>AddGemini()</c>.</summary>
public static class GeminiNode
{
    /// <summary>The node type workflows write in a node's <c>type</c>: <c>gemini</c>.</summary>
    public const string Type = "gemini";

    /// <summary>
    /// The key of the keyed <c>IChatClient</c> the node talks to: <c>gemini</c>. <c>AddGemini()</c> registers
    /// <see cref="GeminiChatClient"/> under it unless one is registered already; register another <c>IChatClient</c> under it
    /// (before <c>AddGemini()</c>, or in its place) to run the node on another model provider.
    /// </summary>
    public const string ChatClientKey = "gemini";
}
