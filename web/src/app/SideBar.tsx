/**
 * The left-hand side bar: for each support site the user may use (and, for coordinators,
 * each site their centre is eligible for), a `Teacher and learner management` entry.
 */
export function SideBar() {
  return null;
}
