namespace FragNet.Buffers;

/// <summary>
/// The classic Xen page-level destructor (<c>SetPageForeign</c>, <c>PG_foreign</c>): called instead of returning a
/// foreign-flagged page to its owner when the page's last reference is dropped. The page is released (count 0)
/// during the call; the callee owns it and either reuses it (<see cref="Page.ReviveForeign"/>) or gives it back
/// (<see cref="Page.ReturnForeign"/>).
/// </summary>
public delegate void ForeignPageDestructor(Page page);
