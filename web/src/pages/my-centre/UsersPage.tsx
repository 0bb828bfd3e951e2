// Placeholder: being written now (issue 9).
export default function UsersPage() {
  return <h1>Users</h1>;
}
