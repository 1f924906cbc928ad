namespace FlowStream;

/// <summary>The node types every <c>AddFlowStream()</c> registers.</summary>
public static class BuiltInNodeTypes
{
    /// <summary><c>manualTrigger</c>: outputs the execution's input data.</summary>
    public const string ManualTrigger = "manualTrigger";

    /// <summary><c>noOp</c>: passes its input through.</summary>
    public const string NoOp = "noOp";

    /// <summary><c>set</c>: outputs its <c>values</c> parameter (templated) merged over its input.</summary>
    public const string Set = "set";

    /// <summary><c>wait</c>: waits <c>ms</c> milliseconds (cancellable), then passes its input through.</summary>
    public const string Wait = "wait";

    /// <summary><c>stopAndError</c>: fails with its <c>message</c> parameter.</summary>
    public const string StopAndError = "stopAndError";

    /// <summary>
    /// <c>if</c>: evaluates <c>conditions</c> (combined by <c>combinator</c>: <c>and</c>, the default, or <c>or</c>) and leaves by the output
    /// <c>true</c> or <c>false</c>, passing its input through.
    /// </summary>
    public const string If = "if";

    /// <summary>
    /// <c>switch</c>: leaves by the output of the first of its <c>rules</c> whose conditions hold (every one with <c>"mode": "all"</c>),
    /// else by <c>fallback</c>, passing its input through. A rule's output is its <c>output</c>, else its index from 0.
    /// </summary>
    public const string Switch = "switch";

    /// <summary>
    /// <c>merge</c>: joins the inputs that arrived, in connection order: <c>"mode": "append"</c> (default) an array of them, <c>"combine"</c>
    /// an object merge with later inputs winning, <c>"chooseBranch"</c> the input from the node named by <c>branch</c>.
    /// </summary>
    public const string Merge = "merge";

    /// <summary>
    /// <c>http</c>: one HTTP request through <c>IHttpClientFactory</c> (client <see cref="HttpNodeOptions.HttpClientName"/>); outputs
    /// <c>{statusCode, headers, body}</c>. Private and loopback destinations are refused unless <see cref="HttpNodeOptions"/> allows them.
    /// </summary>
    public const string Http = "http";

    /// <summary>
    /// <c>executeWorkflow</c>: runs the store's workflow <c>workflowId</c> as a child execution and outputs its result (the output of its
    /// node that succeeded last), or fails with its error.
    /// </summary>
    public const string ExecuteWorkflow = "executeWorkflow";
}
