using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace ImageGen.Sdk;

/// <summary>The quality level of generated images (<c>auto</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>standard</c>, <c>hd</c>, ...).</summary>
/// <remarks>
/// An extensible enumeration: providers keep adding values, so any string is accepted and passed through;
/// the static members are the values this library knows. Comparison ignores case.
/// </remarks>
[TypeConverter(typeof(ExtensibleStringConverter<ImageQuality>))]
public readonly struct ImageQuality : IEquatable<ImageQuality>, IExtensibleString<ImageQuality>
{
    private readonly string? _value;

    /// <summary>Initializes a new value.</summary>
    /// <param name="value">The wire value.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null, empty or white space.</exception>
    public ImageQuality(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.Trim();
    }

    /// <summary>Gets the <c>auto</c> value.</summary>
    public static ImageQuality Auto { get; } = new("auto");

    /// <summary>Gets the <c>low</c> value.</summary>
    public static ImageQuality Low { get; } = new("low");

    /// <summary>Gets the <c>medium</c> value.</summary>
    public static ImageQuality Medium { get; } = new("medium");

    /// <summary>Gets the <c>high</c> value.</summary>
    public static ImageQuality High { get; } = new("high");

    /// <summary>Gets the <c>standard</c> value.</summary>
    public static ImageQuality Standard { get; } = new("standard");

    /// <summary>Gets the <c>hd</c> value.</summary>
    public static ImageQuality Hd { get; } = new("hd");

    /// <summary>Gets the wire value.</summary>
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    static ImageQuality IExtensibleString<ImageQuality>.Create(string value) => new(value);

    /// <summary>Converts a string to a value.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator ImageQuality(string value) => new(value);

    /// <summary>Compares two values, ignoring case.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(ImageQuality left, ImageQuality right) => left.Equals(right);

    /// <summary>Compares two values, ignoring case.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(ImageQuality left, ImageQuality right) => !left.Equals(right);

    /// <summary>Creates a value from a string.</summary>
    /// <param name="value">The wire value.</param>
    /// <returns>The value.</returns>
    public static ImageQuality FromString(string value) => new(value);

    /// <summary>Parses a value the way configuration binding does (trimmed; any non-blank name is accepted, case is kept).</summary>
    /// <param name="s">The value, for example <c>"high"</c>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><paramref name="s"/> is <see langword="null"/>, empty or white space.</exception>
    public static ImageQuality Parse(string s) => new(s);

    /// <summary>Parses a value, returning <see langword="false"/> instead of throwing when it is blank.</summary>
    /// <param name="s">The value.</param>
    /// <param name="result">The value when this returns <see langword="true"/>.</param>
    /// <returns>Whether <paramref name="s"/> holds a value.</returns>
    public static bool TryParse([NotNullWhen(true)] string? s, out ImageQuality result) => ExtensibleString.TryParse(s, out result);

    /// <inheritdoc />
    public bool Equals(ImageQuality other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ImageQuality other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
