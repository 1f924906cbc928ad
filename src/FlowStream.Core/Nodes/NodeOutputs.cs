namespace FlowStream;

/// <summary>Names of node outputs used by the built-in nodes. Every node has <see cref="Main"/>.</summary>
public static class NodeOutputs
{
    /// <summary>The output every node has, and the one a result leaves by unless it names another.</summary>
    public const string Main = "main";

    /// <summary>The output a failure leaves by when the node's <see cref="NodeDefinition.OnError"/> is <see cref="NodeErrorHandling.ErrorOutput"/>.</summary>
    public const string Error = "error";

    /// <summary>The output of an <c>if</c> node whose conditions hold.</summary>
    public const string True = "true";

    /// <summary>The output of an <c>if</c> node whose conditions do not hold.</summary>
    public const string False = "false";

    /// <summary>The output of a <c>switch</c> node when no rule matched.</summary>
    public const string Fallback = "fallback";
}
