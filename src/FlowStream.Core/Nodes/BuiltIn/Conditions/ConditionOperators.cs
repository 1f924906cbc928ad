namespace FlowStream.Nodes.BuiltIn.Conditions;

/// <summary>The operator names of <c>if</c> and <c>switch</c> conditions: part of the contract (DESIGN.md), stored workflows depend on them.</summary>
internal static class ConditionOperators
{
    public const string EqualsOperator = "equals";
    public const string NotEquals = "notEquals";
    public const string Gt = "gt";
    public const string Gte = "gte";
    public const string Lt = "lt";
    public const string Lte = "lte";
    public const string Contains = "contains";
    public const string NotContains = "notContains";
    public const string StartsWith = "startsWith";
    public const string EndsWith = "endsWith";
    public const string IsEmpty = "isEmpty";
    public const string IsNotEmpty = "isNotEmpty";
    public const string Exists = "exists";
    public const string NotExists = "notExists";
    public const string Regex = "regex";

    public static readonly string[] All =
    [
        EqualsOperator, NotEquals, Gt, Gte, Lt, Lte, Contains, NotContains, StartsWith, EndsWith, IsEmpty, IsNotEmpty, Exists, NotExists, Regex,
    ];
}
