// Placeholder: being written now (issue 9).
export default function SupportPage() {
  return <h1>Support</h1>;
}
