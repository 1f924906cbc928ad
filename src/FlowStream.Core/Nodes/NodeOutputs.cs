namespace FlowStream;

/// <summary>The names of node outputs that FlowStream itself gives meaning to (a connection's <c>fromOutput</c>).</summary>
/// <remarks>
/// Every node has <see cref="Main"/>. A node type may declare more when it is registered
/// (<see cref="FlowStreamBuilder.AddNode{THandler}(string, IEnumerable{string})"/>); a node whose
/// <see cref="NodeDefinition.OnError"/> is <see cref="NodeErrorHandling.ErrorOutput"/> also has <see cref="Error"/>.
/// </remarks>
public static class NodeOutputs
{
    /// <summary><c>main</c>: the output every node has, and the one a result leaves by unless its handler says otherwise.</summary>
    public const string Main = "main";

    /// <summary><c>error</c>: where a failure goes when the node's <c>onError</c> is <c>errorOutput</c>.</summary>
    public const string Error = "error";

    /// <summary><c>true</c>: the <c>if</c> node's output when its conditions hold.</summary>
    public const string True = "true";

    /// <summary><c>false</c>: the <c>if</c> node's output when its conditions do not hold.</summary>
    public const string False = "false";

    /// <summary><c>fallback</c>: the <c>switch</c> node's output when no rule matches.</summary>
    public const string Fallback = "fallback";
}
