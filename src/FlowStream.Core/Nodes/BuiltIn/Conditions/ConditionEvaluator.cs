using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FlowStream.Nodes.BuiltIn.Conditions;

/// <summary>
/// Evaluates the conditions of <c>if</c> and <c>switch</c> nodes:
/// <c>{"conditions": [{"left": ..., "operator": "gt", "right": ...}], "combinator": "and"}</c>, on parameters whose templates are resolved.
/// </summary>
/// <remarks>
/// <para>Comparisons (<c>equals</c>, <c>notEquals</c>, <c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c>): two numbers compare as numbers, and so do a
/// number and a string that reads as one; two strings that both start with an ISO 8601 date (<c>yyyy-MM-dd</c>) compare as instants;
/// other strings compare ordinally (case-sensitive). <c>equals</c> of anything else is deep JSON equality; <c>gt</c> and the like are
/// false when the two sides cannot be ordered (for example a number and an object).</para>
/// <para><c>contains</c>/<c>notContains</c>: a substring of a string, or an element of an array (by <c>equals</c>).
/// <c>startsWith</c>/<c>endsWith</c>: strings (numbers and booleans as their JSON text).
/// <c>isEmpty</c>: null, missing, <c>""</c>, <c>[]</c> or <c>{}</c>. <c>exists</c>: without <c>right</c>, <c>left</c> is present and not null;
/// with <c>right</c> (a property name), <c>left</c> is an object with that property, not null — the way to test for an optional property,
/// since a template whose path does not resolve fails the node. <c>regex</c>: <c>right</c> is a .NET regular expression searched in <c>left</c>,
/// with a match timeout (<see cref="FlowStreamOptions.RegexMatchTimeout"/>).</para>
/// </remarks>
internal static class ConditionEvaluator
{
    /// <summary>Evaluates <c>conditions</c> with <c>combinator</c> from <paramref name="owner"/> (the node's parameters or one switch rule).</summary>
    /// <param name="owner">An object with <c>conditions</c> and an optional <c>combinator</c>.</param>
    /// <param name="where">How messages name the owner, for example "node 'Check'" or "rule 2 of node 'Route'".</param>
    /// <param name="regexTimeout">The match timeout of <c>regex</c>.</param>
    /// <exception cref="ConditionException">The conditions are malformed, or a regex is invalid or timed out.</exception>
    public static bool Evaluate(JsonElement owner, string where, TimeSpan regexTimeout)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty("conditions"u8, out var conditions)
            || conditions.ValueKind != JsonValueKind.Array || conditions.GetArrayLength() == 0)
        {
            throw new ConditionException($"Parameter 'conditions' of {where} must be a non-empty array of {{\"left\", \"operator\", \"right\"}} objects.");
        }

        var any = ReadCombinator(owner, where);
        var index = 0;
        foreach (var condition in conditions.EnumerateArray())
        {
            index++;
            var holds = EvaluateOne(condition, $"condition {index} of {where}", regexTimeout);
            if (any && holds)
            {
                return true;
            }

            if (!any && !holds)
            {
                return false;
            }
        }

        return !any;
    }

    /// <summary>True for <c>or</c>, false for <c>and</c> (the default).</summary>
    private static bool ReadCombinator(JsonElement owner, string where)
    {
        if (!owner.TryGetProperty("combinator"u8, out var combinator) || combinator.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return combinator.ValueKind == JsonValueKind.String && combinator.GetString() is { } text
            ? text switch
            {
                "and" => false,
                "or" => true,
                _ => throw new ConditionException($"Parameter 'combinator' of {where} must be \"and\" or \"or\" (was \"{text}\")."),
            }
            : throw new ConditionException($"Parameter 'combinator' of {where} must be \"and\" or \"or\".");
    }

    private static bool EvaluateOne(JsonElement condition, string where, TimeSpan regexTimeout)
    {
        if (condition.ValueKind != JsonValueKind.Object)
        {
            throw new ConditionException($"The {where} must be an object {{\"left\", \"operator\", \"right\"}}.");
        }

        if (!condition.TryGetProperty("operator"u8, out var op) || op.ValueKind != JsonValueKind.String)
        {
            throw new ConditionException($"The {where} has no 'operator'; expected one of {string.Join(", ", ConditionOperators.All)}.");
        }

        var hasLeft = condition.TryGetProperty("left"u8, out var left);
        var hasRight = condition.TryGetProperty("right"u8, out var right);
        return op.GetString() switch
        {
            ConditionOperators.EqualsOperator => AreEqual(left, right),
            ConditionOperators.NotEquals => !AreEqual(left, right),
            ConditionOperators.Gt => Compare(left, right) is > 0,
            ConditionOperators.Gte => Compare(left, right) is >= 0,
            ConditionOperators.Lt => Compare(left, right) is < 0,
            ConditionOperators.Lte => Compare(left, right) is <= 0,
            ConditionOperators.Contains => Contains(left, right),
            ConditionOperators.NotContains => !Contains(left, right),
            ConditionOperators.StartsWith => AsText(left) is { } l1 && AsText(right) is { } r1 && l1.StartsWith(r1, StringComparison.Ordinal),
            ConditionOperators.EndsWith => AsText(left) is { } l2 && AsText(right) is { } r2 && l2.EndsWith(r2, StringComparison.Ordinal),
            ConditionOperators.IsEmpty => IsEmpty(left),
            ConditionOperators.IsNotEmpty => !IsEmpty(left),
            ConditionOperators.Exists => Exists(hasLeft, left, hasRight, right, where),
            ConditionOperators.NotExists => !Exists(hasLeft, left, hasRight, right, where),
            ConditionOperators.Regex => IsMatch(left, right, where, regexTimeout),
            var other => throw new ConditionException($"The {where} has the unknown operator '{other}'; expected one of {string.Join(", ", ConditionOperators.All)}."),
        };
    }

    internal static bool AreEqual(JsonElement left, JsonElement right)
    {
        if (TryNumbers(left, right, out var a, out var b))
        {
            return a == b;
        }

        if (left.ValueKind == JsonValueKind.String && right.ValueKind == JsonValueKind.String)
        {
            var l = left.GetString()!;
            var r = right.GetString()!;
            return string.Equals(l, r, StringComparison.Ordinal)
                || (TryDate(l, out var ld) && TryDate(r, out var rd) && ld == rd);
        }

        if (IsAbsent(left) && IsAbsent(right))
        {
            return true;
        }

        return left.ValueKind != JsonValueKind.Undefined && right.ValueKind != JsonValueKind.Undefined && JsonElement.DeepEquals(left, right);
    }

    /// <summary>Orders two values, or null when they cannot be ordered.</summary>
    internal static int? Compare(JsonElement left, JsonElement right)
    {
        if (TryNumbers(left, right, out var a, out var b))
        {
            return a.CompareTo(b);
        }

        if (left.ValueKind == JsonValueKind.String && right.ValueKind == JsonValueKind.String)
        {
            var l = left.GetString()!;
            var r = right.GetString()!;
            if (TryDate(l, out var ld) && TryDate(r, out var rd))
            {
                return ld.CompareTo(rd);
            }

            return Math.Sign(string.CompareOrdinal(l, r));
        }

        return null;
    }

    private static bool TryNumbers(JsonElement left, JsonElement right, out double a, out double b)
    {
        a = 0;
        b = 0;
        var bothNumbers = left.ValueKind == JsonValueKind.Number && right.ValueKind == JsonValueKind.Number;
        var mixed = (left.ValueKind == JsonValueKind.Number && right.ValueKind == JsonValueKind.String)
            || (left.ValueKind == JsonValueKind.String && right.ValueKind == JsonValueKind.Number);
        return (bothNumbers || mixed) && TryNumber(left, out a) && TryNumber(right, out b);
    }

    private static bool TryNumber(JsonElement value, out double number)
    {
        number = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out number),
            JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number),
            _ => false,
        };
    }

    /// <summary>A string that starts with <c>yyyy-MM-dd</c> and parses as an ISO 8601 date or date-time (UTC unless it says otherwise).</summary>
    private static bool TryDate(string text, out DateTimeOffset value)
    {
        value = default;
        return text.Length >= 10 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[3]) && text[4] == '-' && text[7] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    private static bool Contains(JsonElement left, JsonElement right) => left.ValueKind switch
    {
        JsonValueKind.String => AsText(right) is { } part && left.GetString()!.Contains(part, StringComparison.Ordinal),
        JsonValueKind.Array => left.EnumerateArray().Any(item => AreEqual(item, right)),
        _ => false,
    };

    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    private static bool IsAbsent(JsonElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => true,
        JsonValueKind.String => value.GetString()!.Length == 0,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        _ => false,
    };

    private static bool Exists(bool hasLeft, JsonElement left, bool hasRight, JsonElement right, string where)
    {
        if (!hasRight || right.ValueKind == JsonValueKind.Null)
        {
            return hasLeft && !IsAbsent(left);
        }

        if (right.ValueKind != JsonValueKind.String)
        {
            throw new ConditionException($"The 'right' of {where} must be a property name (a string) when given with exists/notExists.");
        }

        return left.ValueKind == JsonValueKind.Object && left.TryGetProperty(right.GetString()!, out var property) && !IsAbsent(property);
    }

    private static bool IsMatch(JsonElement left, JsonElement right, string where, TimeSpan timeout)
    {
        if (right.ValueKind != JsonValueKind.String)
        {
            throw new ConditionException($"The 'right' of {where} must be a regular expression (a string).");
        }

        if (AsText(left) is not { } input)
        {
            return false;
        }

        try
        {
            return System.Text.RegularExpressions.Regex.IsMatch(input, right.GetString()!, RegexOptions.CultureInvariant, timeout);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ConditionException($"The regular expression of {where} took longer than its match timeout ({timeout.TotalMilliseconds:0} ms).");
        }
        catch (ArgumentException ex)
        {
            throw new ConditionException($"The regular expression of {where} is not valid: {ex.Message}");
        }
    }
}
