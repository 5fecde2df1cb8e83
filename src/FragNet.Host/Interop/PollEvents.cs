namespace FragNet.Host.Interop;

/// <summary>poll(2) event bits (Linux values).</summary>
[Flags]
public enum PollEvents : short
{
    None = 0,
    In = 0x001,
    Pri = 0x002,
    Out = 0x004,
    Err = 0x008,
    Hup = 0x010,
    Nval = 0x020,
}
