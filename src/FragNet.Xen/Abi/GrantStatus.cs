namespace FragNet.Xen.Abi;

/// <summary>
/// The <c>int16_t status</c> a grant operation returns per entry (grant_table.h, <c>GNTST_*</c>). Negative is a
/// failure of that entry only; the other entries of the batch still ran.
/// </summary>
public enum GrantStatus : short
{
    /// <summary><c>GNTST_okay</c>: normal return.</summary>
    Okay = 0,

    /// <summary><c>GNTST_general_error</c>: general undefined error.</summary>
    GeneralError = -1,

    /// <summary><c>GNTST_bad_domain</c>: unrecognised domain id.</summary>
    BadDomain = -2,

    /// <summary><c>GNTST_bad_gntref</c>: unrecognised or inappropriate grant reference.</summary>
    BadGntref = -3,

    /// <summary><c>GNTST_bad_handle</c>: unrecognised or inappropriate map handle.</summary>
    BadHandle = -4,

    /// <summary><c>GNTST_bad_virt_addr</c>: inappropriate virtual address to map.</summary>
    BadVirtAddr = -5,

    /// <summary><c>GNTST_bad_dev_addr</c>: inappropriate device address to unmap.</summary>
    BadDevAddr = -6,

    /// <summary><c>GNTST_no_device_space</c>: out of space in the I/O MMU.</summary>
    NoDeviceSpace = -7,

    /// <summary><c>GNTST_permission_denied</c>: not enough privilege (for example a write to a read-only grant).</summary>
    PermissionDenied = -8,

    /// <summary><c>GNTST_bad_page</c>: the specified page was invalid for the operation.</summary>
    BadPage = -9,

    /// <summary><c>GNTST_bad_copy_arg</c>: a copy argument is bad, for example the range crosses a page boundary.</summary>
    BadCopyArg = -10,

    /// <summary><c>GNTST_address_too_big</c>: the transfer destination address is too big.</summary>
    AddressTooBig = -11,

    /// <summary><c>GNTST_eagain</c>: the operation was not done; try again.</summary>
    Eagain = -12,
}
