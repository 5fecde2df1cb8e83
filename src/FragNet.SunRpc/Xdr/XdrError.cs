namespace FragNet.SunRpc.Xdr;

/// <summary>Why an <see cref="XdrReader"/> stopped: the first error is kept (sticky) and every later read returns
/// zero or empty, so a decoder can read a whole structure and check <see cref="XdrReader.IsValid"/> once.</summary>
public enum XdrError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The input ended inside an item (RFC 4506 items are whole multiples of 4 bytes).</summary>
    Truncated,

    /// <summary>A variable-length item declared more than its bound (<c>opaque&lt;N&gt;</c>, <c>string&lt;N&gt;</c>, <c>T&lt;N&gt;</c>).</summary>
    LengthExceedsBound,

    /// <summary>A boolean other than 0 or 1 (RFC 4506 §4.4).</summary>
    BadBoolean,

    /// <summary>An enum or union discriminant outside its declared values.</summary>
    BadDiscriminant,

    /// <summary>Padding bytes were not zero (RFC 4506 §4.10 requires zeros; we refuse rather than guess).</summary>
    NonZeroPadding,

    /// <summary>Bytes remained after the structure that should have ended the message.</summary>
    TrailingBytes,

    /// <summary>A string was not valid UTF-8.</summary>
    BadString,
}
