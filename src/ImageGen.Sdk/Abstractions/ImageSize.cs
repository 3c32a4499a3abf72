using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ImageGen.Sdk;

/// <summary>The pixel dimensions of an image, written <c>WIDTHxHEIGHT</c> on the wire (for example <c>1536x1024</c>).</summary>
/// <remarks>Parsing and formatting are culture-invariant by design (the wire format is fixed), so there are no
/// <see cref="IFormatProvider"/> overloads for analyzers to ask callers to pass.</remarks>
public readonly record struct ImageSize
{
    /// <summary>Initializes a new size.</summary>
    /// <param name="width">Width in pixels; positive.</param>
    /// <param name="height">Height in pixels; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A side is zero or negative.</exception>
    public ImageSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
    }

    /// <summary>Gets the width in pixels.</summary>
    public int Width { get; }

    /// <summary>Gets the height in pixels.</summary>
    public int Height { get; }

    /// <summary>Gets the number of pixels (<see cref="Width"/> × <see cref="Height"/>).</summary>
    public long Pixels => (long)Width * Height;

    /// <summary>Parses <c>WIDTHxHEIGHT</c> (also accepts <c>X</c> and <c>×</c>).</summary>
    /// <param name="s">The text.</param>
    /// <returns>The size.</returns>
    /// <exception cref="FormatException"><paramref name="s"/> is not a size.</exception>
    public static ImageSize Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return TryParse(s, out ImageSize size)
            ? size
            : throw new FormatException($"'{s}' is not an image size; expected WIDTHxHEIGHT, for example 1024x1024.");
    }

    /// <summary>Tries to parse <c>WIDTHxHEIGHT</c>.</summary>
    /// <param name="s">The text.</param>
    /// <param name="result">The size when parsing succeeded.</param>
    /// <returns><see langword="true"/> when <paramref name="s"/> is a size.</returns>
    public static bool TryParse([NotNullWhen(true)] string? s, out ImageSize result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(s))
        {
            return false;
        }

        ReadOnlySpan<char> span = s.AsSpan().Trim();
        int separator = span.IndexOfAny('x', 'X', '×');
        if (separator <= 0
            || !int.TryParse(span[..separator].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            || !int.TryParse(span[(separator + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            || width <= 0 || height <= 0)
        {
            return false;
        }

        result = new ImageSize(width, height);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");
}
