namespace FlowStream.Nodes.Gemini.Client;

/// <summary>The finish reasons that mean the response was blocked or cut for its content.</summary>
internal static class GeminiFinishReasons
{
    public static bool IsBlocking(string? finishReason) => finishReason is
        "SAFETY" or "RECITATION" or "PROHIBITED_CONTENT" or "BLOCKLIST" or "SPII"
        or "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION";

    /// <summary>A sentence for a blocked response, naming the reason as the API sent it.</summary>
    public static string Describe(string finishReason) => finishReason switch
    {
        "SAFETY" => "Gemini stopped the response for safety reasons (finishReason SAFETY).",
        "RECITATION" => "Gemini stopped the response because it recited source material (finishReason RECITATION).",
        "PROHIBITED_CONTENT" => "Gemini stopped the response because it contained prohibited content (finishReason PROHIBITED_CONTENT).",
        "BLOCKLIST" => "Gemini stopped the response because it contained blocked terms (finishReason BLOCKLIST).",
        "SPII" => "Gemini stopped the response because it contained sensitive personal information (finishReason SPII).",
        _ => $"Gemini blocked the response (finishReason {finishReason}).",
    };
}
