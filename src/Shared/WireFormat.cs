// One wire vocabulary for every FlowStream package (DESIGN.md, "Wire contract"): event type names, status strings,
// reasons and the timestamp format. This file is linked into FlowStream.Core, FlowStream.AspNetCore and FlowStream.Client
// (the client must not depend on Core), so a name is written once and every package agrees on it.
using System.Globalization;

namespace FlowStream.WireContract;

/// <summary>The <c>type</c> values of events, status strings and reasons, exactly as they appear on the wire.</summary>
internal static class WireNames
{
    public const string ExecutionStarted = "executionStarted";
    public const string NodeExecutionBefore = "nodeExecutionBefore";
    public const string NodeExecutionAfter = "nodeExecutionAfter";
    public const string NodeExecutionProgress = "nodeExecutionProgress";
    public const string NodeExecutionRetry = "nodeExecutionRetry";
    public const string ExecutionPaused = "executionPaused";
    public const string ExecutionResumed = "executionResumed";
    public const string ExecutionFinished = "executionFinished";

    public const string StatusPending = "pending";
    public const string StatusRunning = "running";
    public const string StatusPaused = "paused";
    public const string StatusSuccess = "success";
    public const string StatusError = "error";
    public const string StatusCanceled = "canceled";
    public const string StatusSkipped = "skipped";

    public const string ReasonDisabled = "disabled";
    public const string ReasonBranchNotTaken = "branchNotTaken";

    public const string OutputMain = "main";
}

/// <summary>Timestamps on the wire: ISO 8601 UTC with milliseconds, <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (24 characters).</summary>
internal static class WireTime
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public const int Length = 24;

    /// <summary>Writes <paramref name="time"/> as 24 ASCII characters (UTF-8 bytes), milliseconds truncated.</summary>
    public static void Write(DateTimeOffset time, Span<byte> destination)
    {
        var utc = time.UtcDateTime;
        var (year, month, day) = (utc.Year, utc.Month, utc.Day);
        Digits4(destination, year);
        destination[4] = (byte)'-';
        Digits2(destination[5..], month);
        destination[7] = (byte)'-';
        Digits2(destination[8..], day);
        destination[10] = (byte)'T';
        Digits2(destination[11..], utc.Hour);
        destination[13] = (byte)':';
        Digits2(destination[14..], utc.Minute);
        destination[16] = (byte)':';
        Digits2(destination[17..], utc.Second);
        destination[19] = (byte)'.';
        var ms = utc.Millisecond;
        destination[20] = (byte)('0' + (ms / 100));
        destination[21] = (byte)('0' + (ms / 10 % 10));
        destination[22] = (byte)('0' + (ms % 10));
        destination[23] = (byte)'Z';
    }

    /// <summary>Formats <paramref name="time"/> as a string in the wire format.</summary>
    public static string ToString(DateTimeOffset time)
    {
        Span<byte> bytes = stackalloc byte[Length];
        Write(time, bytes);
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    /// <summary>Parses a wire timestamp (any ISO 8601 form is accepted, as clients may meet older or other servers).</summary>
    public static bool TryParse(string? text, out DateTimeOffset time)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static void Digits2(Span<byte> destination, int value)
    {
        destination[0] = (byte)('0' + (value / 10));
        destination[1] = (byte)('0' + (value % 10));
    }

    private static void Digits4(Span<byte> destination, int value)
    {
        destination[0] = (byte)('0' + (value / 1000));
        destination[1] = (byte)('0' + (value / 100 % 10));
        destination[2] = (byte)('0' + (value / 10 % 10));
        destination[3] = (byte)('0' + (value % 10));
    }
}
