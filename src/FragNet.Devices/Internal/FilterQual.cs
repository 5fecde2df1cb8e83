namespace FragNet.Devices.Internal;

/// <summary>The qualifiers in front of an id (<c>tcp dst port</c>). A bare id after <c>and</c>/<c>or</c> inherits
/// the qualifiers of the primitive before it, as libpcap's grammar does (<c>port 53 or 80</c>).</summary>
internal readonly record struct FilterQual(FilterProto Proto, FilterDir Dir, FilterIdType Type);
