using System.Diagnostics.CodeAnalysis;

namespace ImageGen.Sdk;

/// <summary>What the extensible string enumerations share beyond their type converter.</summary>
internal static class ExtensibleString
{
    /// <summary>Parses a non-blank value into <typeparamref name="T"/>; <see langword="false"/> for a blank one.</summary>
    public static bool TryParse<T>([NotNullWhen(true)] string? s, out T result)
        where T : struct, IExtensibleString<T>
    {
        if (string.IsNullOrWhiteSpace(s))
        {
            result = default;
            return false;
        }

        result = T.Create(s);
        return true;
    }
}
