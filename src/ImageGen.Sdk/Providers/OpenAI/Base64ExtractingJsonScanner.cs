using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Splits an Images API response body, chunk by chunk as it arrives, into decoded images and a small JSON
/// remainder. Every string value of a <c>b64_json</c> property is base64-decoded straight from the UTF-8 bytes into
/// a pooled buffer and replaced in the remainder by a placeholder <c>"#k"</c> (k = image index), so the
/// multi-megabyte base64 text is never materialised as a string and decoding overlaps the transfer.
/// </summary>
/// <remarks>
/// The scanner tracks just enough JSON structure (strings, escapes, nesting depth, the property name before a
/// colon) to find those values; everything else is copied to the remainder and parsed afterwards with
/// <c>System.Text.Json</c>, which rejects anything malformed. JSON escapes inside base64 (<c>\/</c>,
/// <c>\u002B</c>, escaped line breaks) are undone before decoding.
/// </remarks>
internal sealed class Base64ExtractingJsonScanner : IDisposable
{
    private const byte Quote = (byte)'"';
    private const byte Backslash = (byte)'\\';

    private readonly PooledByteBuffer _remainder = new(4096);
    private readonly List<byte[]> _images = [];
    private readonly byte[] _pending = new byte[4];
    private readonly int _imageCapacityHint;

    private Mode _mode;
    private KeyState _keyState;
    private bool _stringEscape;
    private int _stringStart;
    private int _depth;
    private bool _sawValue;

    private int _escape;
    private int _hexValue;
    private int _pendingLength;
    private PooledByteBuffer? _image;

    /// <summary>Initializes a new scanner.</summary>
    /// <param name="imageCapacityHint">The expected decoded size of one image (from Content-Length), to rent once.</param>
    public Base64ExtractingJsonScanner(int imageCapacityHint = 64 * 1024)
    {
        _imageCapacityHint = Math.Clamp(imageCapacityHint, 4096, 64 * 1024 * 1024);
    }

    private enum Mode
    {
        Structure,
        String,
        Base64,
    }

    private enum KeyState
    {
        None,
        AfterBase64Key,
        ExpectBase64Value,
    }

    /// <summary>Gets the JSON remainder: the body with every <c>b64_json</c> value replaced by <c>"#k"</c>.</summary>
    public ReadOnlySpan<byte> Remainder => _remainder.WrittenSpan;

    /// <summary>Gets the decoded images, in the order their values appeared.</summary>
    public IReadOnlyList<byte[]> Images => _images;

    /// <summary>Gets a value indicating whether the body ended in the middle of a JSON value (a cut-off body).</summary>
    public bool IsIncomplete => _mode != Mode.Structure || _depth != 0 || !_sawValue;

    /// <summary>Consumes the next chunk of the body.</summary>
    /// <param name="chunk">The bytes.</param>
    /// <exception cref="FormatException">A <c>b64_json</c> value is not valid base64.</exception>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        int i = 0;
        while (i < chunk.Length)
        {
            switch (_mode)
            {
                case Mode.Structure:
                    FeedStructure(chunk[i]);
                    i++;
                    break;
                case Mode.String:
                    i += FeedString(chunk[i..]);
                    break;
                default:
                    i += FeedBase64(chunk[i..]);
                    break;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _remainder.Dispose();
        _image?.Dispose();
        _image = null;
    }

    private void FeedStructure(byte b)
    {
        switch (b)
        {
            case Quote when _keyState == KeyState.ExpectBase64Value:
                _keyState = KeyState.None;
                _mode = Mode.Base64;
                _pendingLength = 0;
                _escape = 0;
                _image = new PooledByteBuffer(_imageCapacityHint);
                return;
            case Quote:
                _keyState = KeyState.None;
                _mode = Mode.String;
                _sawValue = true;
                _remainder.Append(b);
                _stringStart = _remainder.Length;
                return;
            case (byte)':':
                _keyState = _keyState == KeyState.AfterBase64Key ? KeyState.ExpectBase64Value : KeyState.None;
                break;
            case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                break;
            case (byte)'{' or (byte)'[':
                _depth++;
                _sawValue = true;
                _keyState = KeyState.None;
                break;
            case (byte)'}' or (byte)']':
                _depth--;
                _keyState = KeyState.None;
                break;
            default:
                _sawValue = true;
                _keyState = KeyState.None;
                break;
        }

        _remainder.Append(b);
    }

    private int FeedString(ReadOnlySpan<byte> span)
    {
        if (_stringEscape)
        {
            _stringEscape = false;
            _remainder.Append(span[0]);
            return 1;
        }

        int stop = span.IndexOfAny(Quote, Backslash);
        if (stop < 0)
        {
            _remainder.Append(span);
            return span.Length;
        }

        _remainder.Append(span[..(stop + 1)]);
        if (span[stop] == Backslash)
        {
            _stringEscape = true;
        }
        else
        {
            _mode = Mode.Structure;
            ReadOnlySpan<byte> content = _remainder.WrittenSpan[_stringStart..^1];
            if (content.SequenceEqual("b64_json"u8))
            {
                _keyState = KeyState.AfterBase64Key;
            }
        }

        return stop + 1;
    }

    private int FeedBase64(ReadOnlySpan<byte> span)
    {
        if (_escape != 0)
        {
            FeedEscape(span[0]);
            return 1;
        }

        int stop = span.IndexOfAny(Quote, Backslash);
        if (stop < 0)
        {
            DecodeRun(span);
            return span.Length;
        }

        DecodeRun(span[..stop]);
        if (span[stop] == Backslash)
        {
            _escape = 1;
        }
        else
        {
            FinishImage();
        }

        return stop + 1;
    }

    private void FeedEscape(byte b)
    {
        if (_escape == 1)
        {
            switch (b)
            {
                case (byte)'u':
                    _escape = 2;
                    _hexValue = 0;
                    return;
                case (byte)'n' or (byte)'r' or (byte)'t':
                    // Line breaks some encoders insert every 76 characters: not part of the data.
                    _escape = 0;
                    return;
                case (byte)'/' or Backslash:
                    _escape = 0;
                    DecodeRun([b]);
                    return;
                default:
                    throw new FormatException("The b64_json value contains an escape that is not valid in base64.");
            }
        }

        int digit = HexValue(b);
        _hexValue = (_hexValue << 4) | digit;
        if (++_escape < 6)
        {
            return;
        }

        _escape = 0;
        if (_hexValue is '\n' or '\r' or '\t' or ' ')
        {
            return;
        }

        if (_hexValue > 0x7F)
        {
            throw new FormatException("The b64_json value contains a character that is not valid in base64.");
        }

        DecodeRun([(byte)_hexValue]);
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => throw new FormatException("The b64_json value contains a malformed \\u escape."),
    };

    /// <summary>
    /// Decodes base64 text. The last quad seen is always held back in <see cref="_pending"/>, because only the final
    /// quad may carry '=' padding and it must be decoded as the final block.
    /// </summary>
    private void DecodeRun(ReadOnlySpan<byte> run)
    {
        if (_pendingLength + run.Length <= 4)
        {
            run.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += run.Length;
            return;
        }

        if (_pendingLength > 0)
        {
            int take = 4 - _pendingLength;
            run[..take].CopyTo(_pending.AsSpan(_pendingLength));
            run = run[take..];
            _pendingLength = 0;
            Decode(_pending, isFinalBlock: false);
        }

        int tail = run.Length % 4;
        if (tail == 0)
        {
            tail = 4;
        }

        Decode(run[..^tail], isFinalBlock: false);
        run[^tail..].CopyTo(_pending);
        _pendingLength = tail;
    }

    private void Decode(ReadOnlySpan<byte> base64, bool isFinalBlock)
    {
        if (base64.IsEmpty)
        {
            return;
        }

        PooledByteBuffer image = _image!;
        Span<byte> destination = image.GetSpan(Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        OperationStatus status = Base64.DecodeFromUtf8(base64, destination, out int consumed, out int written, isFinalBlock);
        image.Advance(written);
        if (status != OperationStatus.Done || consumed != base64.Length)
        {
            throw new FormatException("The b64_json value is not valid base64.");
        }
    }

    private void FinishImage()
    {
        if (_pendingLength > 0)
        {
            // Tolerate encoders that omit the padding.
            int padded = (_pendingLength + 3) & ~3;
            _pending.AsSpan(_pendingLength, padded - _pendingLength).Fill((byte)'=');
            Decode(_pending.AsSpan(0, padded), isFinalBlock: true);
            _pendingLength = 0;
        }

        PooledByteBuffer image = _image!;
        _image = null;
        using (image)
        {
            _images.Add(image.ToArray());
        }

        _mode = Mode.Structure;
        _sawValue = true;
        _remainder.Append("\"#"u8);
        Span<byte> digits = _remainder.GetSpan(11);
        ((uint)(_images.Count - 1)).TryFormat(digits, out int digitCount, default, CultureInfo.InvariantCulture);
        _remainder.Advance(digitCount);
        _remainder.Append(Quote);
    }
}
