using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>The Images API response (<c>ImagesResponse</c>) after <c>b64_json</c> values were replaced by placeholders.</summary>
internal sealed class OpenAIImagesResponse
{
    [JsonPropertyName("created")]
    public long? Created { get; set; }

    [JsonPropertyName("data")]
    public List<OpenAIImageData>? Data { get; set; }

    [JsonPropertyName("output_format")]
    public string? OutputFormat { get; set; }

    [JsonPropertyName("size")]
    public string? Size { get; set; }

    [JsonPropertyName("quality")]
    public string? Quality { get; set; }

    [JsonPropertyName("background")]
    public string? Background { get; set; }

    [JsonPropertyName("usage")]
    public OpenAIImageUsage? Usage { get; set; }
}

/// <summary>One <c>data[]</c> item (<c>Image</c>).</summary>
internal sealed class OpenAIImageData
{
    [JsonPropertyName("b64_json")]
    public string? Base64Json { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("revised_prompt")]
    public string? RevisedPrompt { get; set; }
}

/// <summary><c>ImageGenUsage</c> (GPT image models only).</summary>
internal sealed class OpenAIImageUsage
{
    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; set; }

    [JsonPropertyName("output_tokens")]
    public long? OutputTokens { get; set; }

    [JsonPropertyName("total_tokens")]
    public long? TotalTokens { get; set; }

    [JsonPropertyName("input_tokens_details")]
    public OpenAIInputTokensDetails? InputTokensDetails { get; set; }
}

/// <summary><c>ImageGenInputUsageDetails</c>.</summary>
internal sealed class OpenAIInputTokensDetails
{
    [JsonPropertyName("text_tokens")]
    public long? TextTokens { get; set; }

    [JsonPropertyName("image_tokens")]
    public long? ImageTokens { get; set; }
}

/// <summary>The error envelope <c>{"error":{...}}</c> of OpenAI and Azure OpenAI.</summary>
internal sealed class OpenAIErrorEnvelope
{
    [JsonPropertyName("error")]
    public OpenAIError? Error { get; set; }
}

/// <summary>
/// <c>Error</c>: <c>message</c>, <c>type</c>, <c>param</c>, <c>code</c>; Azure adds <c>inner_error</c>.
/// <c>code</c> and <c>param</c> stay raw because gateways send numbers where OpenAI sends strings.
/// </summary>
internal sealed class OpenAIError
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("code")]
    public JsonElement Code { get; set; }

    [JsonPropertyName("param")]
    public JsonElement Param { get; set; }

    [JsonPropertyName("inner_error")]
    public OpenAIInnerError? InnerError { get; set; }

    /// <summary>Gets <c>code</c> as text (a number becomes its digits), or <see langword="null"/>.</summary>
    public string? CodeText => Code.ValueKind switch
    {
        JsonValueKind.String => Code.GetString(),
        JsonValueKind.Number => Code.GetRawText(),
        _ => null,
    };
}

/// <summary>Azure OpenAI <c>inner_error</c> (content filter details).</summary>
internal sealed class OpenAIInnerError
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }
}

/// <summary>Source-generated serialization for the OpenAI wire types (trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(OpenAIImagesResponse))]
[JsonSerializable(typeof(OpenAIErrorEnvelope))]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext;
