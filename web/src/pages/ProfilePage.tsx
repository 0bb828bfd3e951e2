// Placeholder: being written now (issue 9).
export default function ProfilePage() {
  return <h1>Profile</h1>;
}
