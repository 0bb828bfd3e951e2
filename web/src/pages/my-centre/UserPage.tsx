// Placeholder: being written now (issue 9).
export default function UserPage() {
  return <h1>User</h1>;
}
