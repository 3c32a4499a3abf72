using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Splits an Images API response body, chunk by chunk as it arrives, into decoded images and a small JSON
/// remainder. Every string value of a <c>b64_json</c> property is base64-decoded straight from the UTF-8 bytes and
/// replaced in the remainder by a placeholder <c>"#k"</c> (k = image index), so the multi-megabyte base64 text is
/// never materialised as a string and decoding overlaps the transfer.
/// </summary>
/// <remarks>
/// <para>
/// The scanner tracks just enough JSON structure (strings, escapes, nesting depth, the property name before a
/// colon) to find those values; everything else is copied to the remainder and parsed afterwards with
/// <c>System.Text.Json</c>, which rejects anything malformed. JSON escapes inside base64 (<c>\/</c>,
/// <c>\u002B</c>, escaped line breaks) are undone before decoding.
/// </para>
/// <para>
/// Where the decoded bytes go depends on whether the body length is known. With a Content-Length, the bytes still
/// to come when the first image starts bound every image that follows (base64 decodes to at most 3/4 of its text),
/// so one uninitialised array of that bound is allocated and each image is decoded straight into it and handed out
/// as an exact-length slice: no copy, and the array exceeds the images by about 3/4 of the JSON around them.
/// Without a Content-Length (a chunked body) each image is decoded into a pooled buffer and copied once into an
/// exact-size array. A body longer than announced still decodes correctly: the array grows, moving only the image
/// in progress.
/// </para>
/// </remarks>
internal sealed class Base64ExtractingJsonScanner : IDisposable
{
    private const byte Quote = (byte)'"';
    private const byte Backslash = (byte)'\\';

    // The first rental for an image of unknown size, and the least an arena grows by.
    private const int UnknownSizeHint = 256 * 1024;

    private readonly PooledByteBuffer _remainder = new(4096);
    private readonly List<ReadOnlyMemory<byte>> _images = [];
    private readonly byte[] _pending = new byte[4];
    private readonly long? _contentLength;

    private Mode _mode;
    private KeyState _keyState;
    private bool _stringEscape;
    private int _stringStart;
    private int _depth;
    private bool _sawValue;

    private int _escape;
    private int _hexValue;
    private int _pendingLength;

    // Bytes of the body consumed before the current chunk, and the index in it of the byte being scanned.
    private long _fed;
    private int _chunkIndex;

    // Content-Length known: images are slices of _arena; _imageStart is where the image in progress begins.
    private byte[]? _arena;
    private int _arenaUsed;

    // _arena[_arenaClean..] is known to be zero; always at least _arenaUsed. The array is allocated uninitialised and
    // every image is a slice of it, so MemoryMarshal.TryGetArray on an image reaches the whole array: the part no image
    // covers is cleared before any image is handed out, or it could expose leftover heap memory.
    private int _arenaClean;
    private int _imageStart;

    // Content-Length unknown: the image in progress.
    private PooledByteBuffer? _image;

    /// <summary>Initializes a new scanner.</summary>
    /// <param name="contentLength">
    /// The body's Content-Length, when the response sent one: images are then decoded straight into one array sized
    /// from it. <see langword="null"/> (a chunked body) decodes through pooled buffers instead.
    /// </param>
    public Base64ExtractingJsonScanner(long? contentLength = null)
    {
        _contentLength = contentLength is > 0 ? contentLength : null;
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

    /// <summary>Gets the decoded images, in the order their values appeared; each is exactly the decoded bytes.</summary>
    /// <remarks>
    /// With a Content-Length the images are slices of one shared array, so they are not copied; the part of that array
    /// no image covers is cleared here, so it holds nothing but zeros.
    /// </remarks>
    public IReadOnlyList<ReadOnlyMemory<byte>> Images
    {
        get
        {
            ClearArenaTail();
            return _images;
        }
    }

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
                    _chunkIndex = i;
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

        _fed += chunk.Length;
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
                StartImage();
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

        int maxDecoded = Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        Span<byte> destination;
        if (_image is { } pooled)
        {
            destination = pooled.GetSpan(maxDecoded);
        }
        else
        {
            if (_arena!.Length - _arenaUsed < maxDecoded)
            {
                GrowArena(maxDecoded);
            }

            destination = _arena.AsSpan(_arenaUsed);
        }

        OperationStatus status = Base64.DecodeFromUtf8(base64, destination, out int consumed, out int written, isFinalBlock);
        if (_image is { } image)
        {
            image.Advance(written);
        }
        else
        {
            _arenaUsed += written;
            _arenaClean = Math.Max(_arenaClean, _arenaUsed);
        }

        if (status != OperationStatus.Done || consumed != base64.Length)
        {
            throw new FormatException("The b64_json value is not valid base64.");
        }
    }

    private void StartImage()
    {
        if (_contentLength is not { } contentLength)
        {
            _image = new PooledByteBuffer(UnknownSizeHint);
            return;
        }

        if (_arena is null)
        {
            // Everything after the opening quote bounds the base64 of this image and of every later one.
            long remaining = contentLength - (_fed + _chunkIndex + 1);
            long bound = (remaining / 4 * 3) + 3;
            _arena = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(bound, 16, Array.MaxLength));
            _arenaClean = _arena.Length;
        }

        _imageStart = _arenaUsed;
    }

    /// <summary>
    /// Moves the image in progress to a larger array (the body is longer than its Content-Length said). Images
    /// already finished stay slices of the old array.
    /// </summary>
    private void GrowArena(int needed)
    {
        int current = _arenaUsed - _imageStart;
        long size = Math.Max((long)current + needed, Math.Max((long)current * 2, UnknownSizeHint));
        if (size > Array.MaxLength)
        {
            throw new InvalidDataException("The response is too large to buffer.");
        }

        byte[] next = GC.AllocateUninitializedArray<byte>((int)size);
        _arena.AsSpan(_imageStart, current).CopyTo(next);

        // Images already finished keep the old array reachable: what follows them is the moved image's start and
        // uninitialised memory.
        _arena.AsSpan(_imageStart, _arenaClean - _imageStart).Clear();
        _arena = next;
        _arenaClean = next.Length;
        _imageStart = 0;
        _arenaUsed = current;
    }

    private void ClearArenaTail()
    {
        if (_arena is not null && _arenaClean > _arenaUsed)
        {
            _arena.AsSpan(_arenaUsed, _arenaClean - _arenaUsed).Clear();
            _arenaClean = _arenaUsed;
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

        if (_image is { } image)
        {
            _image = null;
            using (image)
            {
                _images.Add(image.ToArray());
            }
        }
        else
        {
            _images.Add(new ReadOnlyMemory<byte>(_arena, _imageStart, _arenaUsed - _imageStart));
            _imageStart = _arenaUsed;
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
