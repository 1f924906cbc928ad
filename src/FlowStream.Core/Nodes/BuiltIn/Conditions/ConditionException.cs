namespace FlowStream.Nodes.BuiltIn.Conditions;

/// <summary>A condition of an <c>if</c> or <c>switch</c> node is malformed or could not be evaluated; the message says which and why.</summary>
internal sealed class ConditionException(string message) : Exception(message);
