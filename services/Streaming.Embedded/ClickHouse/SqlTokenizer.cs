using System.Text;

namespace Streaming.Embedded.ClickHouse;

internal enum TokenKind
{
    Word,
    QuotedIdentifier,
    StringLiteral,
    Symbol,
}

internal readonly record struct Token(TokenKind Kind, int Start, int End)
{
    public bool Is(ReadOnlySpan<byte> text, char symbol) => Kind == TokenKind.Symbol && text[Start] == symbol;

    public bool IsWord(ReadOnlySpan<byte> text, string word) =>
        Kind == TokenKind.Word && End - Start == word.Length && Ascii.EqualsIgnoreCase(text[Start..End], word);

    public string Unquoted(ReadOnlySpan<byte> text) => Kind == TokenKind.QuotedIdentifier
        ? Encoding.UTF8.GetString(text[(Start + 1)..(End - 1)])
        : Encoding.UTF8.GetString(text[Start..End]);
}

/// <summary>Splits SQL into words, quoted names, string literals and symbols; skips spaces and comments.</summary>
internal ref struct SqlTokenizer(ReadOnlySpan<byte> text)
{
    private readonly ReadOnlySpan<byte> _text = text;
    private int _position;

    public bool Next(out Token token)
    {
        SkipSpaceAndComments();
        token = default;
        if (_position >= _text.Length)
        {
            return false;
        }

        var start = _position;
        var c = _text[_position];
        if (IsWordByte(c) && !char.IsAsciiDigit((char)c))
        {
            while (_position < _text.Length && IsWordByte(_text[_position]))
            {
                _position++;
            }

            token = new Token(TokenKind.Word, start, _position);
        }
        else if (c is (byte)'\'' or (byte)'"' or (byte)'`')
        {
            SkipQuoted(c);
            token = new Token(c == '\'' ? TokenKind.StringLiteral : TokenKind.QuotedIdentifier, start, _position);
        }
        else if (char.IsAsciiDigit((char)c))
        {
            while (_position < _text.Length && (IsWordByte(_text[_position]) || _text[_position] == '.'))
            {
                _position++;
            }

            token = new Token(TokenKind.Symbol, start, _position);
        }
        else
        {
            _position++;
            token = new Token(TokenKind.Symbol, start, _position);
        }

        return true;
    }

    private static bool IsWordByte(byte c) => char.IsAsciiLetterOrDigit((char)c) || c == '_' || c == '$' || c >= 0x80;

    private void SkipQuoted(byte quote)
    {
        _position++;
        while (_position < _text.Length)
        {
            var c = _text[_position++];
            if (c == '\\')
            {
                _position++;
            }
            else if (c == quote)
            {
                if (_position < _text.Length && _text[_position] == quote)
                {
                    _position++; // a doubled quote stands for itself
                }
                else
                {
                    return;
                }
            }
        }
    }

    private void SkipSpaceAndComments()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v')
            {
                _position++;
            }
            else if (c == '-' && _position + 1 < _text.Length && _text[_position + 1] == '-')
            {
                var end = _text[_position..].IndexOf((byte)'\n');
                _position = end < 0 ? _text.Length : _position + end + 1;
            }
            else if (c == '#' && _position + 1 < _text.Length && _text[_position + 1] is (byte)' ' or (byte)'!')
            {
                // ClickHouse also reads "# " and "#!" as line comments.
                var end = _text[_position..].IndexOf((byte)'\n');
                _position = end < 0 ? _text.Length : _position + end + 1;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '*')
            {
                var end = _text[(_position + 2)..].IndexOf("*/"u8);
                _position = end < 0 ? _text.Length : _position + 2 + end + 2;
            }
            else
            {
                return;
            }
        }
    }
}
