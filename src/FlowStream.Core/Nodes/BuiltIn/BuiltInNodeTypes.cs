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
}
