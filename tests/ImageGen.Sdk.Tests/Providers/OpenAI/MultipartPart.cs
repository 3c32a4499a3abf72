using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary>One part of a captured multipart/form-data body, read with ASP.NET Core's own parser.</summary>
public sealed record MultipartPart(string Name, string? FileName, string? ContentType, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);

    public static async Task<List<MultipartPart>> ReadAllAsync(byte[] body, string contentType)
    {
        string boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(contentType).Boundary).Value!;
        MultipartReader reader = new(boundary, new MemoryStream(body));
        List<MultipartPart> parts = [];
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            ContentDispositionHeaderValue disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using MemoryStream data = new();
            await section.Body.CopyToAsync(data);
            parts.Add(new MultipartPart(
                HeaderUtilities.RemoveQuotes(disposition.Name).Value!,
                HeaderUtilities.RemoveQuotes(disposition.FileName).Value,
                section.ContentType,
                data.ToArray()));
        }

        return parts;
    }
}
