namespace ImageGen.Sdk;

/// <summary>Implemented by the library's extensible string enumerations so they share one type converter.</summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IExtensibleString<TSelf>
    where TSelf : struct, IExtensibleString<TSelf>
{
    /// <summary>Gets the wire value.</summary>
    string Value { get; }

    /// <summary>Creates a value from its wire string.</summary>
    /// <param name="value">The wire value.</param>
    /// <returns>The value.</returns>
    static abstract TSelf Create(string value);
}
