using System.Text.Json;
using FlowStream.Nodes.BuiltIn.Conditions;

namespace FlowStream.Tests.Nodes.Conditions;

/// <summary>
/// Every operator of <c>if</c>/<c>switch</c> conditions, on resolved values (the engine resolves templates before the node runs).
/// The nodes themselves are tested through the engine in <c>IfNodeTests</c>, <c>SwitchNodeTests</c> and <c>BranchingTests</c>.
/// </summary>
public class ConditionEvaluatorTests
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    [Theory]
    [InlineData("1", "1", true)]
    [InlineData("1", "1.0", true)]
    [InlineData("1", "\"1\"", true)]
    [InlineData("\"2.50\"", "2.5", true)]
    [InlineData("1", "2", false)]
    [InlineData("\"a\"", "\"a\"", true)]
    [InlineData("\"a\"", "\"A\"", false)]
    [InlineData("\"007\"", "\"7\"", false)]
    [InlineData("true", "true", true)]
    [InlineData("true", "\"true\"", false)]
    [InlineData("null", "null", true)]
    [InlineData("{\"a\":[1,2]}", "{\"a\":[1,2]}", true)]
    [InlineData("{\"a\":[1,2]}", "{\"a\":[2,1]}", false)]
    [InlineData("\"2026-01-01T10:00:00Z\"", "\"2026-01-01T12:00:00+02:00\"", true)]
    [InlineData("\"2026-01-01\"", "\"2026-01-01T00:00:00Z\"", true)]
    public void Equals_AndNotEquals(string left, string right, bool equal)
    {
        Eval(left, "equals", right).Should().Be(equal);
        Eval(left, "notEquals", right).Should().Be(!equal);
    }

    [Fact]
    public void Equals_MissingLeftAndNullRight_AreEqual()
    {
        EvaluateConditions("""[{"operator":"equals","right":null}]""").Should().BeTrue();
        EvaluateConditions("""[{"operator":"equals","right":1}]""").Should().BeFalse();
    }

    [Theory]
    [InlineData("150", "100", 1)]
    [InlineData("100", "100", 0)]
    [InlineData("99.5", "100", -1)]
    [InlineData("\"150\"", "100", 1)]
    [InlineData("100", "\"99\"", 1)]
    [InlineData("-1e3", "0", -1)]
    [InlineData("\"b\"", "\"a\"", 1)]
    [InlineData("\"a\"", "\"a\"", 0)]
    [InlineData("\"B\"", "\"a\"", -1)]
    [InlineData("\"10\"", "\"9\"", -1)]
    [InlineData("\"2026-03-01\"", "\"2026-02-28T23:59:59Z\"", 1)]
    [InlineData("\"2026-01-01T10:00:00+02:00\"", "\"2026-01-01T09:00:00Z\"", -1)]
    [InlineData("\"2026-01-01T09:00:00Z\"", "\"2026-01-01T11:00:00+02:00\"", 0)]
    public void Gt_Gte_Lt_Lte_OrderNumbersStringsAndDates(string left, string right, int order)
    {
        Eval(left, "gt", right).Should().Be(order > 0);
        Eval(left, "gte", right).Should().Be(order >= 0);
        Eval(left, "lt", right).Should().Be(order < 0);
        Eval(left, "lte", right).Should().Be(order <= 0);
    }

    [Theory]
    [InlineData("{}", "1")]
    [InlineData("null", "1")]
    [InlineData("true", "false")]
    [InlineData("\"abc\"", "1")]
    [InlineData("[1]", "[1]")]
    public void Gt_Gte_Lt_Lte_ValuesThatCannotBeOrdered_AreAllFalse(string left, string right)
    {
        foreach (var op in new[] { "gt", "gte", "lt", "lte" })
        {
            Eval(left, op, right).Should().BeFalse(op);
        }
    }

    [Theory]
    [InlineData("\"hello world\"", "\"o w\"", true)]
    [InlineData("\"hello\"", "\"H\"", false)]
    [InlineData("\"v1.5\"", "1.5", true)]
    [InlineData("[1,\"a\",{\"b\":2}]", "\"a\"", true)]
    [InlineData("[1,\"a\",{\"b\":2}]", "{\"b\":2}", true)]
    [InlineData("[1,2]", "\"1\"", true)]
    [InlineData("[1,2]", "3", false)]
    [InlineData("{\"a\":1}", "\"a\"", false)]
    [InlineData("null", "\"a\"", false)]
    public void Contains_AndNotContains(string left, string right, bool contains)
    {
        Eval(left, "contains", right).Should().Be(contains);
        Eval(left, "notContains", right).Should().Be(!contains);
    }

    [Theory]
    [InlineData("\"order-42\"", "startsWith", "\"order-\"", true)]
    [InlineData("\"order-42\"", "startsWith", "\"Order\"", false)]
    [InlineData("\"order-42\"", "endsWith", "\"42\"", true)]
    [InlineData("\"order-42\"", "endsWith", "42", true)]
    [InlineData("12345", "startsWith", "\"12\"", true)]
    [InlineData("\"a.json\"", "endsWith", "\".xml\"", false)]
    [InlineData("null", "startsWith", "\"\"", false)]
    [InlineData("[\"a\"]", "startsWith", "\"a\"", false)]
    public void StartsWith_EndsWith(string left, string op, string right, bool expected)
        => Eval(left, op, right).Should().Be(expected);

    [Theory]
    [InlineData("null", true)]
    [InlineData("\"\"", true)]
    [InlineData("[]", true)]
    [InlineData("{}", true)]
    [InlineData("\" \"", false)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("[null]", false)]
    [InlineData("{\"a\":null}", false)]
    public void IsEmpty_AndIsNotEmpty(string left, bool empty)
    {
        Eval(left, "isEmpty", null).Should().Be(empty);
        Eval(left, "isNotEmpty", null).Should().Be(!empty);
    }

    [Fact]
    public void IsEmpty_MissingLeft_IsEmpty()
    {
        EvaluateConditions("""[{"operator":"isEmpty"}]""").Should().BeTrue();
        EvaluateConditions("""[{"operator":"isNotEmpty"}]""").Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"left":1,"operator":"exists"}""", true)]
    [InlineData("""{"left":"","operator":"exists"}""", true)]
    [InlineData("""{"left":false,"operator":"exists"}""", true)]
    [InlineData("""{"left":null,"operator":"exists"}""", false)]
    [InlineData("""{"operator":"exists"}""", false)]
    [InlineData("""{"left":{"total":5},"operator":"exists","right":"total"}""", true)]
    [InlineData("""{"left":{"total":null},"operator":"exists","right":"total"}""", false)]
    [InlineData("""{"left":{"other":1},"operator":"exists","right":"total"}""", false)]
    [InlineData("""{"left":"total","operator":"exists","right":"total"}""", false)]
    public void Exists_AndNotExists(string condition, bool exists)
    {
        EvaluateConditions($"[{condition}]").Should().Be(exists);
        EvaluateConditions($"[{condition.Replace("\"exists\"", "\"notExists\"", StringComparison.Ordinal)}]").Should().Be(!exists);
    }

    [Theory]
    [InlineData("\"order-42\"", "\"^order-\\\\d+$\"", true)]
    [InlineData("\"ORDER-42\"", "\"^order-\"", false)]
    [InlineData("\"ORDER-42\"", "\"(?i)^order-\"", true)]
    [InlineData("\"a@b.test\"", "\"@\"", true)]
    [InlineData("1234", "\"^\\\\d{4}$\"", true)]
    [InlineData("null", "\".*\"", false)]
    public void Regex_SearchesTheLeftValue(string left, string right, bool expected)
        => Eval(left, "regex", right).Should().Be(expected);

    [Fact]
    public void Regex_InvalidPattern_FailsNamingTheCondition()
    {
        var act = () => Eval("\"a\"", "regex", "\"(\"");

        act.Should().Throw<ConditionException>().WithMessage("The regular expression of condition 1 of node 'N' is not valid*");
    }

    [Fact]
    public void Regex_CatastrophicBacktracking_StopsAtTheMatchTimeout()
    {
        var input = JsonSerializer.Serialize(new string('a', 5_000) + "!");
        var act = () => ConditionEvaluator.Evaluate(
            Json($$"""{"conditions":[{"left":{{input}},"operator":"regex","right":"^(a+)+$"}]}"""), "node 'N'", TimeSpan.FromMilliseconds(50));

        act.Should().Throw<ConditionException>().WithMessage("The regular expression of condition 1 of node 'N' took longer than its match timeout (50 ms).");
    }

    [Fact]
    public void Regex_RightNotAString_Fails()
        => FluentActions.Invoking(() => Eval("\"a\"", "regex", "1")).Should().Throw<ConditionException>();

    [Fact]
    public void Combinator_DefaultAnd_NeedsEveryCondition()
    {
        EvaluateConditions("""[{"left":1,"operator":"equals","right":1},{"left":1,"operator":"equals","right":2}]""").Should().BeFalse();
        EvaluateConditions("""[{"left":1,"operator":"equals","right":1},{"left":2,"operator":"equals","right":2}]""").Should().BeTrue();
    }

    [Fact]
    public void Combinator_Or_NeedsOneCondition()
    {
        EvaluateConditions("""[{"left":1,"operator":"equals","right":2},{"left":1,"operator":"equals","right":1}]""", "or").Should().BeTrue();
        EvaluateConditions("""[{"left":1,"operator":"equals","right":2},{"left":1,"operator":"equals","right":3}]""", "or").Should().BeFalse();
    }

    [Fact]
    public void Combinator_Or_StopsAtTheFirstTrueCondition()
        => EvaluateConditions("""[{"left":1,"operator":"equals","right":1},{"left":1,"operator":"bogus"}]""", "or").Should().BeTrue();

    [Theory]
    [InlineData("""{"conditions":[]}""", "Parameter 'conditions' of node 'N' must be a non-empty array*")]
    [InlineData("""{}""", "Parameter 'conditions' of node 'N' must be a non-empty array*")]
    [InlineData("""{"conditions":{"left":1}}""", "Parameter 'conditions' of node 'N' must be a non-empty array*")]
    [InlineData("""{"conditions":[{"left":1,"operator":"equals","right":1}],"combinator":"xor"}""", "Parameter 'combinator' of node 'N' must be \"and\" or \"or\" (was \"xor\").")]
    [InlineData("""{"conditions":[{"left":1,"right":1}]}""", "The condition 1 of node 'N' has no 'operator'; expected one of equals, notEquals, gt, gte, lt, lte, contains, notContains, startsWith, endsWith, isEmpty, isNotEmpty, exists, notExists, regex.")]
    [InlineData("""{"conditions":[{"left":1,"operator":"equals","right":1},{"left":1,"operator":"greater","right":1}]}""", "The condition 2 of node 'N' has the unknown operator 'greater'*")]
    [InlineData("""{"conditions":[7]}""", "The condition 1 of node 'N' must be an object*")]
    public void MalformedConditions_FailWithAMessageThatSaysWhere(string parameters, string message)
        => FluentActions.Invoking(() => ConditionEvaluator.Evaluate(Json(parameters), "node 'N'", RegexTimeout))
            .Should().Throw<ConditionException>().WithMessage(message);

    private static bool Eval(string left, string op, string? right)
        => EvaluateConditions(right is null
            ? $$"""[{"left":{{left}},"operator":"{{op}}"}]"""
            : $$"""[{"left":{{left}},"operator":"{{op}}","right":{{right}}}]""");

    private static bool EvaluateConditions(string conditions, string? combinator = null)
        => ConditionEvaluator.Evaluate(
            Json(combinator is null ? $$"""{"conditions":{{conditions}}}""" : $$"""{"conditions":{{conditions}},"combinator":"{{combinator}}"}"""),
            "node 'N'",
            RegexTimeout);

    private static JsonElement Json(string json) => ExecutionEventTestExtensions.Json(json);
}
