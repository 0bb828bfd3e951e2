// Placeholder: being written now (issue 9).
export default function AddUsersPage() {
  return <h1>AddUsers</h1>;
}
