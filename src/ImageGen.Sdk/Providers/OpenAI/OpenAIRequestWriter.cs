using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>Writes the <c>/images/generations</c> JSON body for OpenAI and Azure OpenAI, shaped by model family.</summary>
internal static class OpenAIRequestWriter
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    /// <summary>Creates the request content.</summary>
    /// <param name="request">The request.</param>
    /// <param name="model">The <c>model</c> field to send, or <see langword="null"/> to omit it (Azure deployment URLs).</param>
    /// <param name="modelFamily">The model whose rules shape the body (the underlying model of an Azure deployment).</param>
    /// <returns>The JSON content.</returns>
    public static HttpContent CreateContent(ImageGenerationRequest request, string? model, string modelFamily)
    {
        ArrayBufferWriter<byte> buffer = new(512 + (request.Prompt.Length * 2));
        Write(buffer, request, model, modelFamily);
        ReadOnlyMemoryContent content = new(buffer.WrittenMemory);
        content.Headers.ContentType = JsonContentType;
        return content;
    }

    /// <summary>
    /// Creates the <c>/images/edits</c> multipart body: one <c>image</c> part (or repeated <c>image[]</c> parts for
    /// several images, GPT image models), an optional <c>mask</c>, and the same fields as a generation as form values
    /// (never <c>style</c>: edits take none).
    /// </summary>
    /// <param name="request">The request; <see cref="ImageGenerationRequest.InputImages"/> must not be empty.</param>
    /// <param name="model">The <c>model</c> field to send, or <see langword="null"/> to omit it (Azure deployment URLs).</param>
    /// <param name="modelFamily">The model whose rules shape the body.</param>
    /// <returns>The multipart content.</returns>
    public static HttpContent CreateEditContent(ImageGenerationRequest request, string? model, string modelFamily)
        => CreateMultipartContent(request, model, modelFamily, variation: false);

    /// <summary>
    /// Creates the <c>/images/variations</c> multipart body (dall-e-2): the <c>image</c> part, <c>model</c>, <c>n</c>,
    /// <c>size</c>, <c>response_format</c> and <c>user</c>; no prompt, mask or quality.
    /// </summary>
    /// <param name="request">The request; <see cref="ImageGenerationRequest.InputImages"/> holds the one source image.</param>
    /// <param name="model">The <c>model</c> field to send.</param>
    /// <returns>The multipart content.</returns>
    public static HttpContent CreateVariationContent(ImageGenerationRequest request, string model)
        => CreateMultipartContent(request, model, model, variation: true);

    private static MultipartFormDataContent CreateMultipartContent(ImageGenerationRequest request, string? model, string modelFamily, bool variation)
    {
        IReadOnlyList<ImageInput> images = request.InputImages!;
        IReadOnlyDictionary<string, JsonElement>? extra = request.ProviderOptions;
        bool dallE = OpenAIModelCatalog.IsDallE(modelFamily);
        MultipartFormDataContent content = new();
        string imageField = images.Count == 1 ? "image" : "image[]";
        for (int i = 0; i < images.Count; i++)
        {
            content.Add(FilePart(images[i]), imageField, FileName(images[i], "image" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (request.Mask is { } mask && !variation)
        {
            content.Add(FilePart(mask), "mask", FileName(mask, "mask"));
        }

        Add("model", model);
        Add("prompt", variation ? null : request.Prompt);
        Add("n", request.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("size", request.Size?.ToString());
        Add("quality", variation ? null : request.Quality?.Value);
        Add("response_format", dallE ? "b64_json" : null);
        Add("output_format", !variation && OpenAIModelCatalog.TakesOutputFormat(modelFamily) ? request.OutputFormat?.Value : null);
        Add("user", request.User);
        if (extra is not null)
        {
            foreach ((string name, JsonElement value) in extra)
            {
                content.Add(new StringContent(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()), name);
            }
        }

        return content;

        void Add(string name, string? value)
        {
            if (value is not null && !(extra is not null && extra.ContainsKey(name)))
            {
                content.Add(new StringContent(value), name);
            }
        }

        static ReadOnlyMemoryContent FilePart(ImageInput input)
        {
            ReadOnlyMemoryContent part = new(input.Data);
            part.Headers.ContentType = new MediaTypeHeaderValue(input.MediaType);
            return part;
        }

        static string FileName(ImageInput input, string stem)
            => string.IsNullOrWhiteSpace(input.FileName) ? stem + ImageMediaTypes.ToExtension(input.MediaType) : input.FileName;
    }

    /// <summary>Writes the body.</summary>
    /// <param name="output">Receives the UTF-8 JSON.</param>
    /// <param name="request">The request.</param>
    /// <param name="model">The <c>model</c> field, or <see langword="null"/> to omit it.</param>
    /// <param name="modelFamily">The model whose rules shape the body.</param>
    internal static void Write(IBufferWriter<byte> output, ImageGenerationRequest request, string? model, string modelFamily)
    {
        IReadOnlyDictionary<string, JsonElement>? extra = request.ProviderOptions;
        bool dallE = OpenAIModelCatalog.IsDallE(modelFamily);
        using Utf8JsonWriter writer = new(output);
        writer.WriteStartObject();
        if (model is not null && !Overridden("model"))
        {
            writer.WriteString("model", model);
        }

        if (!Overridden("prompt"))
        {
            writer.WriteString("prompt", request.Prompt);
        }

        if (!Overridden("n"))
        {
            writer.WriteNumber("n", request.Count);
        }

        if (request.Size is { } size && !Overridden("size"))
        {
            writer.WriteString("size", size.ToString());
        }

        if (request.Quality is { } quality && !Overridden("quality"))
        {
            writer.WriteString("quality", quality.Value);
        }

        // Fields a model does not take are left out (OpenAIRequestChecks.Warnings says so in the result): the API
        // answers them with a 400, and the validation layer that refuses them may not be in front of this client.
        if (request.Style is { } style && OpenAIModelCatalog.TakesStyle(modelFamily) && !Overridden("style"))
        {
            writer.WriteString("style", style.Value);
        }

        // DALL·E answers with a URL unless asked otherwise; GPT image models reject response_format with a 400.
        if (dallE && !Overridden("response_format"))
        {
            writer.WriteString("response_format", "b64_json");
        }

        if (request.OutputFormat is { } format && OpenAIModelCatalog.TakesOutputFormat(modelFamily) && !Overridden("output_format"))
        {
            writer.WriteString("output_format", format.Value);
        }

        if (request.User is { } user && !Overridden("user"))
        {
            writer.WriteString("user", user);
        }

        if (extra is not null)
        {
            foreach ((string name, JsonElement value) in extra)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();

        bool Overridden(string name) => extra is not null && extra.ContainsKey(name);
    }
}
