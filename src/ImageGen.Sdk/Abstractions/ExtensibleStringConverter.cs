using System.ComponentModel;
using System.Globalization;

namespace ImageGen.Sdk;

/// <summary>Converts configuration strings to an extensible string enumeration.</summary>
/// <typeparam name="T">The enumeration type.</typeparam>
internal sealed class ExtensibleStringConverter<T> : TypeConverter
    where T : struct, IExtensibleString<T>
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType)
        => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
        => value is string text ? T.Create(text) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc />
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType)
        => destinationType == typeof(string) && value is T typed ? typed.Value : base.ConvertTo(context, culture, value, destinationType);
}
