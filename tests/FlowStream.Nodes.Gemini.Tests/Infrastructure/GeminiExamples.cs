namespace FlowStream.Nodes.Gemini.Tests.Infrastructure;

/// <summary>
/// The Gemini API's bodies as the fake server sends them, byte for byte: the examples of reference/gemini-rest-spec.md
/// (pretty-printed unary JSON with 2-space indent and a trailing newline; compact stream chunks in the API's own spacing),
/// the one-line error envelopes of its section 4 pretty-printed the way the API sends them, and a few bodies built the same way.
/// </summary>
internal static class GeminiExamples
{
    /// <summary>Section 2: the complete unary example (gemini-2.5-flash, thought summary reply).</summary>
    public const string UnarySuccess = """
{
  "candidates": [
    {
      "content": {
        "parts": [
          {
            "text": "The capital of France is **Paris**."
          }
        ],
        "role": "model"
      },
      "finishReason": "STOP",
      "index": 0
    }
  ],
  "usageMetadata": {
    "promptTokenCount": 8,
    "candidatesTokenCount": 8,
    "totalTokenCount": 40,
    "promptTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 8
      }
    ],
    "thoughtsTokenCount": 24
  },
  "modelVersion": "gemini-2.5-flash",
  "responseId": "2pmHaJqQEoqC-8YP6eStyAY"
}
""" + "\n";

    /// <summary>Section 3: the JSON of stream event 1 of 3 (compact, the API's spacing).</summary>
    public const string StreamChunk1 = """
{"candidates": [{"content": {"parts": [{"text": "The capital"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 2,"totalTokenCount": 34,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 8}],"thoughtsTokenCount": 24},"modelVersion": "gemini-2.5-flash","responseId": "0J-HaJetAqv0jrEPwu-tsQ0"}
""";

    /// <summary>Section 3: the JSON of stream event 2 of 3 (compact, the API's spacing).</summary>
    public const string StreamChunk2 = """
{"candidates": [{"content": {"parts": [{"text": " of France is"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 5,"totalTokenCount": 37,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 8}],"thoughtsTokenCount": 24},"modelVersion": "gemini-2.5-flash","responseId": "0J-HaJetAqv0jrEPwu-tsQ0"}
""";

    /// <summary>Section 3: the JSON of stream event 3 of 3 (compact, the API's spacing).</summary>
    public const string StreamChunk3 = """
{"candidates": [{"content": {"parts": [{"text": " **Paris**."}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 8,"totalTokenCount": 40,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 8}],"thoughtsTokenCount": 24},"modelVersion": "gemini-2.5-flash","responseId": "0J-HaJetAqv0jrEPwu-tsQ0"}
""";

    /// <summary>Section 4: invalid key, 400 INVALID_ARGUMENT.</summary>
    public const string InvalidKeyError = """
{
  "error": {
    "code": 400,
    "message": "API key not valid. Please pass a valid API key.",
    "status": "INVALID_ARGUMENT",
    "details": [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {
          "service": "generativelanguage.googleapis.com"
        }
      },
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        "locale": "en-US",
        "message": "API key not valid. Please pass a valid API key."
      }
    ]
  }
}
""" + "\n";

    /// <summary>Section 4: missing key, 403 PERMISSION_DENIED, pretty-printed.</summary>
    public const string MissingKeyError = """
{
  "error": {
    "code": 403,
    "message": "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    "status": "PERMISSION_DENIED"
  }
}
""" + "\n";

    /// <summary>Section 4: unknown model <c>wrong-model-name</c>, 404 NOT_FOUND [REC], pretty-printed.</summary>
    public const string UnknownModelError = """
{
  "error": {
    "code": 404,
    "message": "models/wrong-model-name is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
    "status": "NOT_FOUND",
    "details": [
      {
        "@type": "type.googleapis.com/google.rpc.DebugInfo",
        "detail": "[ORIGINAL ERROR] generic::not_found: …"
      }
    ]
  }
}
""" + "\n";

    /// <summary>Section 4: the 429 RESOURCE_EXHAUSTED composite exactly as the spec shows it, with <c>RetryInfo.retryDelay</c> "41s".</summary>
    public const string QuotaError = """
{
  "error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. Please retry in 41.291750613s.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        "violations": [
          {
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
            "quotaValue": "10"
          }
        ]
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]
      },
      {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "41s"}
    ]
  }
}
""" + "\n";

    /// <summary>Section 4: 500 INTERNAL, pretty-printed.</summary>
    public const string InternalError = """
{
  "error": {
    "code": 500,
    "message": "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    "status": "INTERNAL"
  }
}
""" + "\n";

    /// <summary>Section 4: 503 UNAVAILABLE, pretty-printed.</summary>
    public const string OverloadedError = """
{
  "error": {
    "code": 503,
    "message": "The model is overloaded. Please try again later.",
    "status": "UNAVAILABLE"
  }
}
""" + "\n";

    /// <summary>Section 2: a blocked prompt is a 200 with only <c>promptFeedback</c> (shaped like [FB] unary-failure-only-prompt-feedback.json).</summary>
    public const string BlockedPrompt = """
{
  "promptFeedback": {
    "blockReason": "SAFETY",
    "safetyRatings": [
      {
        "category": "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "probability": "NEGLIGIBLE"
      },
      {
        "category": "HARM_CATEGORY_HATE_SPEECH",
        "probability": "HIGH"
      },
      {
        "category": "HARM_CATEGORY_HARASSMENT",
        "probability": "NEGLIGIBLE"
      },
      {
        "category": "HARM_CATEGORY_DANGEROUS_CONTENT",
        "probability": "NEGLIGIBLE"
      }
    ]
  },
  "usageMetadata": {
    "promptTokenCount": 9,
    "totalTokenCount": 9,
    "promptTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 9
      }
    ]
  },
  "modelVersion": "gemini-2.5-flash",
  "responseId": "3ZmHaMeZB8yC-8YP8qHv0Ac"
}
""" + "\n";

    /// <summary>Section 2: a candidate stopped with <c>finishReason: "SAFETY"</c> and no content, as a 200.</summary>
    public const string SafetyFinish = """
{
  "candidates": [
    {
      "finishReason": "SAFETY",
      "index": 0,
      "safetyRatings": [
        {
          "category": "HARM_CATEGORY_SEXUALLY_EXPLICIT",
          "probability": "NEGLIGIBLE"
        },
        {
          "category": "HARM_CATEGORY_HATE_SPEECH",
          "probability": "NEGLIGIBLE"
        },
        {
          "category": "HARM_CATEGORY_HARASSMENT",
          "probability": "MEDIUM",
          "blocked": true
        },
        {
          "category": "HARM_CATEGORY_DANGEROUS_CONTENT",
          "probability": "NEGLIGIBLE"
        }
      ]
    }
  ],
  "usageMetadata": {
    "promptTokenCount": 11,
    "totalTokenCount": 11,
    "promptTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 11
      }
    ]
  },
  "modelVersion": "gemini-2.5-flash",
  "responseId": "4JmHaKmTDc2C-8YP_7yG4Ak"
}
""" + "\n";

    /// <summary>Section 2 gotcha: <c>MAX_TOKENS</c> with content holding only <c>{"role":"model"}</c> (thinking used the budget).</summary>
    public const string MaxTokensEmpty = """
{
  "candidates": [
    {
      "content": {
        "role": "model"
      },
      "finishReason": "MAX_TOKENS",
      "index": 0
    }
  ],
  "usageMetadata": {
    "promptTokenCount": 8,
    "totalTokenCount": 24,
    "promptTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 8
      }
    ],
    "thoughtsTokenCount": 16
  },
  "modelVersion": "gemini-2.5-flash",
  "responseId": "5ZmHaOGIIYqC-8YPkYDl8Q4"
}
""" + "\n";
}
