namespace ImageGen.Sdk;

/// <summary>Token usage a provider reported for a generation (GPT image models, Gemini).</summary>
public sealed class ImageUsage
{
    /// <summary>Gets the input tokens (text and image).</summary>
    public long? InputTokens { get; init; }

    /// <summary>Gets the text part of the input tokens, when reported.</summary>
    public long? InputTextTokens { get; init; }

    /// <summary>Gets the image part of the input tokens, when reported.</summary>
    public long? InputImageTokens { get; init; }

    /// <summary>Gets the output tokens.</summary>
    public long? OutputTokens { get; init; }

    /// <summary>Gets the total tokens.</summary>
    public long? TotalTokens { get; init; }
}
