using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace ImageGen.Sdk;

/// <summary>The style of generated images (<c>vivid</c>, <c>natural</c>, ...).</summary>
/// <remarks>
/// An extensible enumeration: providers keep adding values, so any string is accepted and passed through;
/// the static members are the values this library knows. Comparison ignores case.
/// </remarks>
[TypeConverter(typeof(ExtensibleStringConverter<ImageStyle>))]
public readonly struct ImageStyle : IEquatable<ImageStyle>, IExtensibleString<ImageStyle>
{
    private readonly string? _value;

    /// <summary>Initializes a new value.</summary>
    /// <param name="value">The wire value.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null, empty or white space.</exception>
    public ImageStyle(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.Trim();
    }

    /// <summary>Gets the <c>vivid</c> value.</summary>
    public static ImageStyle Vivid { get; } = new("vivid");

    /// <summary>Gets the <c>natural</c> value.</summary>
    public static ImageStyle Natural { get; } = new("natural");

    /// <summary>Gets the wire value.</summary>
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    static ImageStyle IExtensibleString<ImageStyle>.Create(string value) => new(value);

    /// <summary>Converts a string to a value.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator ImageStyle(string value) => new(value);

    /// <summary>Compares two values, ignoring case.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(ImageStyle left, ImageStyle right) => left.Equals(right);

    /// <summary>Compares two values, ignoring case.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(ImageStyle left, ImageStyle right) => !left.Equals(right);

    /// <summary>Creates a value from a string.</summary>
    /// <param name="value">The wire value.</param>
    /// <returns>The value.</returns>
    public static ImageStyle FromString(string value) => new(value);

    /// <summary>Parses a value the way configuration binding does (trimmed; any non-blank name is accepted, case is kept).</summary>
    /// <param name="s">The value, for example <c>"high"</c>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><paramref name="s"/> is <see langword="null"/>, empty or white space.</exception>
    public static ImageStyle Parse(string s) => new(s);

    /// <summary>Parses a value, returning <see langword="false"/> instead of throwing when it is blank.</summary>
    /// <param name="s">The value.</param>
    /// <param name="result">The value when this returns <see langword="true"/>.</param>
    /// <returns>Whether <paramref name="s"/> holds a value.</returns>
    public static bool TryParse([NotNullWhen(true)] string? s, out ImageStyle result) => ExtensibleString.TryParse(s, out result);

    /// <inheritdoc />
    public bool Equals(ImageStyle other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ImageStyle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
