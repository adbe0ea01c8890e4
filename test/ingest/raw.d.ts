// Vite's `?raw` imports (fixture files loaded as text inside workerd).
declare module '*?raw' {
  const text: string
  export default text
}
